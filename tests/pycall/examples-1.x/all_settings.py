# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pycall 1.x with every keyword CallFile takes, dir= and tmpdir= included."""

from pycall.callfile import *  # noqa: F401,F403 pylint: disable=wildcard-import,unused-wildcard-import
from pycall.callfileexceptions import *  # noqa: F401,F403 pylint: disable=wildcard-import,unused-wildcard-import


def main():
    callfile = CallFile(
        trunk_type='SIP', trunk_name='flowroute', number='12223334444',
        callerid_name='Help Desk', callerid_num='5551234',
        max_retries=10,     # up to 10 more attempts if nobody answers
        retry_time=30,      # 30 seconds between attempts
        wait_time=60,       # ring for a minute
        account='1000',     # CDR account code
        application='Playback', data='hello-world',
        sets={'fun': 'yes', 'hi': 'there'},
        always_delete=True, archive=True,
        user='nobody',
        dir='/var/spool/asterisk/outgoing/',
        tmpdir='/var/spool/asterisk/tmp/',
    )
    callfile.run()


if __name__ == '__main__':
    main()

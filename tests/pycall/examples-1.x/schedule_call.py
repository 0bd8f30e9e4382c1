# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pycall 1.x scheduling: run(datetime) dials then, run() now.

pycall 1.x dialled at once when run() got something that is not a datetime;
this library raises IncorrectTime instead (docs/docsite/rst/guide_library.rst).
"""

from datetime import datetime, timedelta

from pycall.callfile import *  # noqa: F401,F403 pylint: disable=wildcard-import,unused-wildcard-import
from pycall.callfileexceptions import *  # noqa: F401,F403 pylint: disable=wildcard-import,unused-wildcard-import


def main():
    callfile = CallFile(trunk_type='SIP', trunk_name='flowroute', number='15554443333',
                        application='Playback', data='hello-world')
    callfile.run(datetime.now() + timedelta(hours=1))   # in an hour
    callfile.run(datetime(2010, 12, 1, 1, 0, 0))        # in the past: at once
    callfile.run()                                      # now
    try:
        callfile.run(100)
    except IncorrectTime:
        print('run(100): not a time, nothing spooled')


if __name__ == '__main__':
    main()

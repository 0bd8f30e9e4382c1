# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pycall 1.x passing variables to the dialplan: sets= and add_set(), any value str() can write."""

from pycall.callfile import *  # noqa: F401,F403 pylint: disable=wildcard-import,unused-wildcard-import
from pycall.callfileexceptions import *  # noqa: F401,F403 pylint: disable=wildcard-import,unused-wildcard-import


def main():
    callfile = CallFile(
        trunk_type='SIP', trunk_name='flowroute', number='12223334444',
        context='survey', extension='s', priority=1,
        sets={'name': 'Randall', 'phonenum': '18182223333', 'height': '6"0', 'pets': 3, 'vip': True},
    )
    callfile.add_set('greeting', 'tt-monkeys')
    callfile.run()


if __name__ == '__main__':
    main()

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pycall 1.x, the minimal call: dial out of a trunk, play a sound, hang up.

A pycall 1.6 program, written as its documentation describes (keyword form, run()).
"""

from pycall.callfile import *  # noqa: F401,F403 pylint: disable=wildcard-import,unused-wildcard-import
from pycall.callfileexceptions import *  # noqa: F401,F403 pylint: disable=wildcard-import,unused-wildcard-import


def main():
    callfile = CallFile(trunk_type='SIP', trunk_name='flowroute', number='18002223333',
                        application='Playback', data='hello-world')
    callfile.run()


if __name__ == '__main__':
    main()

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A pycall 1.x program, run in a lab host through the `pycall` shim: argv[1] names the call.

Built for the busy context, then changed to answer before run(): the call Asterisk places
must be the changed one. Prints the spooled file's name.
"""

import sys

from pycall.callfile import *  # noqa: F401,F403 pylint: disable=wildcard-import,unused-wildcard-import
from pycall.callfileexceptions import *  # noqa: F401,F403 pylint: disable=wildcard-import,unused-wildcard-import


def main(name):
    callfile = CallFile(trunk_type='Local', trunk_name='busy', number='s', application='Playback',
                        data='hello-world', sets={'PYCALL_NAME': name, 'LAB_ECHO': 'FLAG,GREETING'},
                        archive=True, user='asterisk')
    callfile.add_set('FLAG', True)
    callfile.add_set('GREETING', 'tt-monkeys; and "quotes"')
    callfile.trunk_name = 'answer'
    callfile.run()
    print(callfile.filename)


if __name__ == '__main__':
    main(sys.argv[1])

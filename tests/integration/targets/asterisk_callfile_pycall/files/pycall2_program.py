# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A pycall 2.x program, run in a lab host through the `pycall` shim: argv[1] names the call.

Prints the spooled file's name, or the pycall exception that refused it (exit 3).
"""

import sys

from pycall import Application, Call, CallFile, NoSpoolPermissionError


def main(name):
    call = Call('Local/s@answer', callerid='"Pycall Two" <5552>',
                variables={'PYCALL_NAME': name, 'LAB_ECHO': 'FLAG', 'FLAG': False}, wait_time=20)
    cf = CallFile(call, Application('Playback', 'hello-world'), archive=True, user='asterisk')
    if not cf.is_valid():
        print('not valid')
        return 2
    try:
        cf.spool()
    except NoSpoolPermissionError as exc:
        print('NoSpoolPermissionError: %s' % exc)
        return 3
    print(cf.filename)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pycall 1.x handing the call file to another user, and the errors that can say no."""

from pycall.callfile import *  # noqa: F401,F403 pylint: disable=wildcard-import,unused-wildcard-import
from pycall.callfileexceptions import *  # noqa: F401,F403 pylint: disable=wildcard-import,unused-wildcard-import


def spool_as(callfile):
    try:
        callfile.run()
    except NoUserException:
        print('no user %s here: call skipped' % callfile.user)
    except NoPermissionException:
        print('may not give the call file to %s: call skipped' % callfile.user)
    else:
        print('spooled as %s' % callfile.user)


def main():
    callfile = CallFile(trunk_type='SIP', trunk_name='flowroute', number='12223334444',
                        application='Playback', data='hello-world', user='asterisk')
    spool_as(callfile)
    # Attributes may change between runs; the next run uses the new owner.
    callfile.user = 'nobody'
    spool_as(callfile)


if __name__ == '__main__':
    main()

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    # Where the spool is, shared by the writer and the info module so both
    # document (and find) the same directory the same way.
    DOCUMENTATION = r'''
options:
  spool_dir:
    description:
      - The C(outgoing) directory Asterisk watches. Its archive is C(outgoing_done) beside it.
      - Defaults to C(<astspooldir>/outgoing), with C(astspooldir) read from C(/etc/asterisk/asterisk.conf) the way
        Asterisk reads it, else C(/var/spool/asterisk/outgoing). A template section (C([directories]) marked C((!))), as stock
        configs ship, is ignored like Asterisk ignores it; C(#include) and C(#tryinclude) are followed; a config
        that cannot be followed (C(#exec), a missing C(#include), a symlink) fails with a message naming the file.
        A config this account may not read gives the default (the spool check then says what is missing).
    type: path
'''

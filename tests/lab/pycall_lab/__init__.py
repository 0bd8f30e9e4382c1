"""The pycall.asterisk test lab, split by concern (tests/lab/README.md).

Each module imports only the ones listed before it:

  console          progress notes and the LabError that ends a command with one line
  settings         what the environment chooses (state dir, cache, addresses) and fixed paths
  procs            running commands; finding and killing the processes chrooted into a host
  mounts           the mount table: what is mounted where, unmounting a tree
  files            atomic writes, a lock file, deleting trees that have nothing mounted
  net              TCP: free ports, sshd banners, listening sockets
  base             the cached Debian root filesystem every host is an overlay of
  asterisk_config  Asterisk's configuration (the files in tests/lab/asterisk/, filled in)
  hosts            one host's life: overlay, configuration, Asterisk and sshd
  inventory        the SSH key and the Ansible inventories
  helpers          the copies of lib.sh and the lab that runme.sh scripts use
  calllog          decoding the call log the dialplan writes
  commands         the lab's commands (up, down, status, ...)
  cli              argparse: from the command line to a command, exit codes
"""

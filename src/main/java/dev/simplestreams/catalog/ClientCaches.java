package dev.simplestreams.catalog;

/**
 * What LXD and Incus cache of a remote's catalogue, in words for the people who upload: a version just
 * published is listed at once but cannot be launched for up to an hour, which looks like a server fault.
 * Read from lxc 5.0.2 and incus 6.0.4 (client/connection.go, shared/cliconfig/remote.go,
 * daemon_images.go): the lxc CLI keeps no cache; the incus CLI keeps index files 5 minutes in
 * ~/.cache/incus (or $INCUS_CACHE); both daemons keep them an hour per remote URL in their own cache
 * directory and resolve aliases and fingerprints from it.
 */
public final class ClientCaches {

    public static final String AFTER_PUBLISHING = "lxc image list shows a new version at once; incus image list "
            + "may show a list up to 5 minutes old (rm -rf ~/.cache/incus makes it fetch again). lxc launch and "
            + "lxc image copy go through the LXD or Incus daemon, which reads a remote's catalogue at most once an "
            + "hour and until then says the image cannot be found: wait, or fetch it through the CLI and import it: "
            + "lxc image export REMOTE:ALIAS DIR (the files keep their names here), then lxc image import "
            + "DIR/lxd.tar.xz DIR/rootfs.squashfs --alias NAME (a unified image: its one file)";

    private ClientCaches() {
    }
}

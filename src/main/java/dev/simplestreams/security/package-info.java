/**
 * Who may do what, apart from HTTP: slowing down guessed passwords ({@link dev.simplestreams.security.LoginLockout}).
 * Plain Java with no servlet classes, so it is tested without a server; the filters in {@code web} ask it.
 * Depends on no other package of the project.
 */
package dev.simplestreams.security;

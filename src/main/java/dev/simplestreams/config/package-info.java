/**
 * The server's configuration: every setting read by name (servlet context init parameters, then the
 * environment), checked and turned into typed values once, at start.
 *
 * <p>May depend on no other package of the project.
 */
package dev.simplestreams.config;

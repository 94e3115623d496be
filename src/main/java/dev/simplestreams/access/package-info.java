/**
 * Who may do what: the access file's users (salted password hashes), their roles, the writers' scopes (which
 * operations under which path prefixes) and the private views of the catalogue, with the file's reloading.
 * Plain Java: no servlet class. May depend on {@code catalog} (the catalogue a view filters) and on Tomcat's
 * {@code CredentialHandler}, which every Tomcat ships, for password hashes.
 */
package dev.simplestreams.access;

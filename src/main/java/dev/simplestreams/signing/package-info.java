/**
 * OpenPGP for the catalogue, with Bouncy Castle: the server's signing key read from the file an operator exports
 * with {@code gpg --export-secret-keys --armor} ({@link SigningKey}), clear-signing a document as
 * {@code gpg --clearsign} does ({@link ClearSigner}), and checking an upstream's clear-signed document against a
 * keyring as {@code gpgv} does ({@link Keyring}). Knows nothing of simplestreams, HTTP or the store: it takes
 * and returns bytes, and depends on no other package of the project.
 */
package dev.simplestreams.signing;

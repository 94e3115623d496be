/**
 * How the server starts its threads: daemons with names that thread dumps and the tests looking for leaked
 * threads recognise.
 *
 * <p>May depend on no other package of the project.
 */
package dev.simplestreams.concurrent;

/**
 * The only package that knows HTTP: the context listener that builds the server's parts once, thin servlets and
 * filters over them, and the one place where write failures become statuses.
 *
 * <p>May depend on every other package of the project, on the Jakarta Servlet API and on Tomcat.
 */
package dev.simplestreams.web;

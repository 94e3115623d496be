package dev.simplestreams.web;

import java.io.EOFException;
import org.apache.catalina.connector.ClientAbortException;

/** Recognises a client that closed its connection: routine for uploads and downloads, not a server fault. */
final class Disconnects {

    private Disconnects() {
    }

    /** Tomcat reports a connection closed mid-body as ClientAbortException or as a bare EOFException. */
    static boolean clientWentAway(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ClientAbortException || t instanceof EOFException) {
                return true;
            }
        }
        return false;
    }
}

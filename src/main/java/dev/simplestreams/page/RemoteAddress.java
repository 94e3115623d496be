package dev.simplestreams.page;

/** The remote a reader adds: the name the page suggests for it and the URL given to {@code remote add}. */
public record RemoteAddress(String name, String url) {

    /** The whole server, at the address clients use. */
    public static RemoteAddress root(PublicUrl clients) {
        return new RemoteAddress(clients.remoteName(), clients.base());
    }

    /** A view read with HTTP Basic: the URL holds placeholders for the reader's own credentials. */
    public static RemoteAddress viewByName(PublicUrl clients, String view) {
        return new RemoteAddress(view, clients.scheme() + "://USER:PASSWORD@" + clients.host() + "/v/" + view + "/");
    }

    /** A view read with a token: only its holder sees the page that repeats it. */
    public static RemoteAddress viewByToken(PublicUrl clients, String view, String token) {
        return new RemoteAddress(view, clients.base() + "/t/" + token + "/");
    }
}

package dev.simplestreams.coordination;

/** One server on its own data root: it always leads. */
public final class SingleServer implements Leadership {

    private final String identity;

    public SingleServer(String identity) {
        this.identity = identity;
    }

    @Override
    public void start(Listener listener) {
        listener.elected();
    }

    @Override
    public boolean isLeader() {
        return true;
    }

    @Override
    public String leader() {
        return identity;
    }

    @Override
    public void close() {
    }
}

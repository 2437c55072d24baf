package dev.loggregator.doppler.ratelimit;

/**
 * An app instance: the app (source id) and its instance's {@link dev.loggregator.wire.routing.AppOutput}
 * key. The limiter looks instances up with one reused key whose fields it sets per envelope (router
 * thread only), so a lookup allocates nothing; keys stored in the map are copies and never change.
 */
final class InstanceKey {
    private String app;
    private long instance;
    private int hash;

    InstanceKey set(String app, long instance) {
        this.app = app;
        this.instance = instance;
        this.hash = app.hashCode() * 31 + Long.hashCode(instance);
        return this;
    }

    InstanceKey copy() {
        return new InstanceKey().set(app, instance);
    }

    String app() {
        return app;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InstanceKey key && key.instance == instance && key.app.equals(app);
    }
}

package dev.simplestreams.indexer;

import dev.simplestreams.store.ImageStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An {@link ImageStore} that passes every call to a real one, records what was opened, and can interfere
 * once: throw from a call, or change the tree just before a file is opened (a writer still at work). A
 * dynamic proxy rather than a hand-written wrapper or a Mockito spy: it follows the interface as it grows
 * and costs nothing to start.
 */
final class StoreProbe {

    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    /** One interference: on the first call of {@code method} whose first argument matches, run {@code action}. */
    private record Once(String method, Predicate<Object> argument, Action action, boolean thenFail, Throwable failure,
            AtomicInteger fired) {
    }

    private final ImageStore store;
    private final List<String> opened = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final List<Once> pending = new CopyOnWriteArrayList<>();

    private StoreProbe(ImageStore real) {
        this.store = (ImageStore) Proxy.newProxyInstance(ImageStore.class.getClassLoader(),
                new Class<?>[] {ImageStore.class}, (proxy, method, args) -> {
                    calls.computeIfAbsent(method.getName(), m -> new AtomicInteger()).incrementAndGet();
                    if (method.getName().equals("open")) {
                        opened.add((String) args[0]);
                    }
                    for (Once once : pending) {
                        if (once.method().equals(method.getName()) && args != null && once.argument().test(args[0])
                                && once.fired().compareAndSet(0, 1)) {
                            once.action().run();
                            if (once.thenFail()) {
                                throw once.failure();
                            }
                        }
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    static StoreProbe around(ImageStore real) {
        return new StoreProbe(real);
    }

    ImageStore store() {
        return store;
    }

    /** Paths passed to {@code open}, in call order. */
    List<String> opened() {
        return new ArrayList<>(opened);
    }

    void forgetOpened() {
        opened.clear();
    }

    int calls(String method) {
        AtomicInteger count = calls.get(method);
        return count == null ? 0 : count.get();
    }

    /** The next call of {@code method} whose first argument matches throws {@code failure}; later ones pass. */
    void failOnce(String method, Predicate<Object> argument, Throwable failure) {
        pending.add(new Once(method, argument, () -> { }, true, failure, new AtomicInteger()));
    }

    /** Runs {@code action} once, just before the first open of a matching path reaches the real store. */
    void beforeFirstOpen(Predicate<Object> path, Action action) {
        beforeFirst("open", path, action);
    }

    /** Runs {@code action} once, just before the first call of {@code method} with a matching first argument. */
    void beforeFirst(String method, Predicate<Object> argument, Action action) {
        pending.add(new Once(method, argument, action, false, null, new AtomicInteger()));
    }

    static Predicate<Object> any() {
        return argument -> true;
    }

    static Predicate<Object> endingWith(String suffix) {
        return argument -> argument instanceof String s && s.endsWith(suffix);
    }

    static Predicate<Object> equalTo(String path) {
        return path::equals;
    }
}

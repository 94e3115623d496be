package dev.simplestreams.testing;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** What one logger logs (on any thread) from {@link #of} until {@link #close}. */
public final class CapturedLog extends Handler implements AutoCloseable {

    private final Logger logger;
    private final Queue<LogRecord> records = new ConcurrentLinkedQueue<>();

    private CapturedLog(Logger logger) {
        this.logger = logger;
    }

    public static CapturedLog of(String loggerName) {
        CapturedLog log = new CapturedLog(Logger.getLogger(loggerName));
        log.logger.addHandler(log);
        return log;
    }

    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    public void clear() {
        records.clear();
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}

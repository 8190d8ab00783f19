package io.dynbatch.job.kafka;

import io.dynbatch.job.model.RowKey;
import io.dynbatch.job.sink.TotalsTable;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A concurrent reader, as a dashboard would be: polls the totals table every 20 ms while a test
 * runs and records every total it ever saw go down (there must be none).
 */
final class MonotonicTotalsWatcher implements AutoCloseable {

    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<RowKey, Long> highest = new HashMap<>();
    private final List<String> decreases = new ArrayList<>();
    private final AtomicLong polls = new AtomicLong();

    MonotonicTotalsWatcher(String url, String table) {
        this.thread = new Thread(() -> watch(url, new TotalsTable(table)), "totals-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void watch(String url, TotalsTable table) {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "2");
        Connection c = null;
        while (running.get()) {
            try {
                if (c == null || c.isClosed()) {
                    c = DriverManager.getConnection(url, p);
                }
                Map<RowKey, Long> now = table.readAll(c);
                polls.incrementAndGet();
                synchronized (this) {
                    now.forEach((row, total) -> {
                        Long before = highest.put(row, Math.max(total, highest.getOrDefault(row, 0L)));
                        if (before != null && total < before) {
                            decreases.add(row + ": " + before + " -> " + total);
                        }
                    });
                }
                Thread.sleep(20); // poll interval of the reader
            } catch (InterruptedException e) {
                return;
            } catch (Exception dbDownOrTableMissing) {
                c = null; // the database may be restarting; keep polling
            }
        }
    }

    synchronized List<String> decreases() {
        return new ArrayList<>(decreases);
    }

    long polls() {
        return polls.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.interrupt();
        thread.join(5_000);
    }
}

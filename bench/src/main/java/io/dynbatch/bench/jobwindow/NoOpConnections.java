package io.dynbatch.bench.jobwindow;

import io.dynbatch.job.sink.DatabaseSettings;
import io.dynbatch.job.sink.FlushToDatabase;
import io.dynbatch.job.sink.ResilientBatchWriter;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;

/**
 * Connections that accept every JDBC call and do nothing: the job's writer runs its real code (it
 * builds the arrays, prepares the statement, executes, commits), but no database is involved, so a
 * benchmark measures Flink's work alone.
 */
final class NoOpConnections implements FlushToDatabase.ConnectionSource {

    private static final long serialVersionUID = 1L;

    @Override
    public ResilientBatchWriter.Connections open(DatabaseSettings database) {
        Connection connection = (Connection) Proxy.newProxyInstance(NoOpConnections.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getReturnType() == PreparedStatement.class) {
                        return statement();
                    }
                    return defaultOf(method.getReturnType());
                });
        return new ResilientBatchWriter.Connections() {
            @Override
            public Connection get() {
                return connection;
            }

            @Override
            public void reset() {}
        };
    }

    private static PreparedStatement statement() {
        return (PreparedStatement) Proxy.newProxyInstance(NoOpConnections.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> defaultOf(method.getReturnType()));
    }

    private static Object defaultOf(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type.isPrimitive() && type != void.class) {
            return 0;
        }
        return null;
    }
}

package io.dynbatch.job.options;

/** A value with a name on the command line (and in metrics, reports and table names). */
public interface Labelled {

    /** The value's name on the command line, e.g. {@code tumbling_1min}. */
    String label();
}

package io.dynbatch.job.options;

/**
 * A parser's reason for refusing a value, written for the user: {@link JobOption#parse} puts its
 * message in the option's error (other exceptions of a parser only mean "not what the option
 * expects", and their messages stay out of it).
 */
public final class InvalidValue extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidValue(String reason) {
        super(reason);
    }
}

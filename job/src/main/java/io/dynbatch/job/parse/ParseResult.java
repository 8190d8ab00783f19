package io.dynbatch.job.parse;

import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.model.DeadLetter;

/** Either a valid {@link ClickEvent} or the {@link DeadLetter} that says why the record was refused. */
public final class ParseResult {

    private final ClickEvent event;
    private final DeadLetter deadLetter;

    private ParseResult(ClickEvent event, DeadLetter deadLetter) {
        this.event = event;
        this.deadLetter = deadLetter;
    }

    static ParseResult ok(ClickEvent event) {
        return new ParseResult(event, null);
    }

    static ParseResult refused(DeadLetter deadLetter) {
        return new ParseResult(null, deadLetter);
    }

    public boolean isOk() {
        return event != null;
    }

    public ClickEvent event() {
        return event;
    }

    public DeadLetter deadLetter() {
        return deadLetter;
    }
}

package io.dynbatch.job.model;

import java.util.Optional;

/** The event types the clickstream may carry; anything else is rejected as unknown. */
public enum EventType {
    VIEW("view"),
    CLICK("click"),
    ADD_TO_CART("add_to_cart"),
    PURCHASE("purchase");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<EventType> fromWireName(String name) {
        for (EventType t : values()) {
            if (t.wireName.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}

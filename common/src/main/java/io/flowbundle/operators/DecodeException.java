package io.flowbundle.operators;

import io.flowbundle.contract.Violation;

/**
 * A record that cannot be decoded into the contract's row type. Carries the {@link Violation} for
 * the dead-letter output; has no stack trace because bad records are data, not bugs, and may be
 * many.
 */
public final class DecodeException extends Exception {

    private static final long serialVersionUID = 1L;

    private final Violation violation;

    public DecodeException(Violation violation) {
        super(violation.message(), null, false, false);
        this.violation = violation;
    }

    public Violation violation() {
        return violation;
    }
}

package io.github.idempotency.sample.order;

import jakarta.validation.constraints.NotNull;

/**
 * The body of {@code POST /orders/{id}/transitions}: the state the caller saw and the state it asks for.
 *
 * @param from the order's current state, as the caller knows it
 * @param to the requested state
 */
public record TransitionRequest(@NotNull OrderState from, @NotNull OrderState to) {

}

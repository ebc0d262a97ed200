package io.github.idempotency.spring.actuate;

import org.jspecify.annotations.Nullable;

/**
 * One record as {@code GET /actuator/idempotency/{id}} shows it. Neither the client's key nor the owner token nor the
 * stored body are shown.
 *
 * @param id the hashed key
 * @param state {@code ONGOING}, {@code FINISHED_OK} or {@code FINISHED_ERROR}
 * @param expiresAt the lease deadline while ongoing, the end of retention once finished, by the store
 * @param status the stored HTTP status of a finished record, {@code null} while ongoing
 * @param version what a fenced delete must present: it changes whenever the record is taken over, completed or
 * written again, and stays the same through lease renewals
 */
public record RecordView(String id, String state, String expiresAt, @Nullable Integer status, String version) {
}

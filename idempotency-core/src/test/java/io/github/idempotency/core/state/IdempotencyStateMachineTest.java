package io.github.idempotency.core.state;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.MutableClock;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.state.IdempotencyStateMachine.Transition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Every state against every event, time moved by a mutable clock.
 */
class IdempotencyStateMachineTest {

	private static final Duration LEASE = Duration.ofSeconds(30);

	private static final Duration RETENTION = Duration.ofHours(24);

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("POST", "/payments", "a");

	private static final RequestFingerprint OTHER_FINGERPRINT = RequestFingerprint.of("POST", "/payments", "b");

	private static final OwnerToken OWNER = new OwnerToken("owner");

	private static final OwnerToken STALE = new OwnerToken("stale");

	private static final OwnerToken NEW_OWNER = new OwnerToken("new-owner");

	private static final StoredResponse RESPONSE = StoredResponse.of(201, Map.of("Location", List.of("/p/1")),
			new byte[] { 1, 2, 3 });

	private final MutableClock clock = MutableClock.start();

	private Instant now() {
		return this.clock.instant();
	}

	private IdempotencyRecord claimed() {
		return IdempotencyStateMachine.claim(null, FINGERPRINT, OWNER, now(), LEASE).next();
	}

	private IdempotencyRecord finished(RecordState state) {
		return IdempotencyStateMachine.complete(claimed(), OWNER, state, RESPONSE, now(), RETENTION).next();
	}

	private void assertClaimedBy(Transition<ClaimResult> transition, OwnerToken owner, boolean tookOver,
			RequestFingerprint fingerprint) {
		assertThat(transition.result()).isEqualTo(new ClaimResult.Claimed(owner, now().plus(LEASE), tookOver));
		assertThat(transition.next()).isEqualTo(IdempotencyRecord.ongoing(owner, fingerprint, now().plus(LEASE)));
	}

	private void assertFenced(Transition<Boolean> transition, IdempotencyRecord current) {
		assertThat(transition.result()).isFalse();
		assertThat(transition.next()).isSameAs(current);
	}

	@Nested
	class Absent {

		@Test
		void claimCreatesOngoingRecordWithLease() {
			assertClaimedBy(IdempotencyStateMachine.claim(null, FINGERPRINT, NEW_OWNER, now(), LEASE), NEW_OWNER,
					false, FINGERPRINT);
		}

		@Test
		void completeIsFenced() {
			assertFenced(IdempotencyStateMachine.complete(null, OWNER, RecordState.FINISHED_OK, RESPONSE, now(),
					RETENTION), null);
		}

		@Test
		void releaseIsFenced() {
			assertFenced(IdempotencyStateMachine.release(null, OWNER, now()), null);
		}

		@Test
		void renewIsFenced() {
			assertFenced(IdempotencyStateMachine.renew(null, OWNER, now(), LEASE), null);
		}

		@Test
		void inForceIsNull() {
			assertThat(IdempotencyStateMachine.inForce(null, now())).isNull();
		}

	}

	@Nested
	class OngoingWithLiveLease {

		private IdempotencyRecord current;

		@BeforeEach
		void claimAndLetTimePassWithinTheLease() {
			this.current = claimed();
			IdempotencyStateMachineTest.this.clock.advance(LEASE.minusMillis(1));
		}

		@Test
		void claimWithSameFingerprintFindsItInProgress() {
			Transition<ClaimResult> transition = IdempotencyStateMachine.claim(this.current, FINGERPRINT, NEW_OWNER,
					now(), LEASE);
			assertThat(transition.result()).isEqualTo(new ClaimResult.Existing(this.current));
			assertThat(transition.next()).isSameAs(this.current);
		}

		@Test
		void claimWithDifferentFingerprintFindsTheRecordToReportMismatch() {
			Transition<ClaimResult> transition = IdempotencyStateMachine.claim(this.current, OTHER_FINGERPRINT,
					NEW_OWNER, now(), LEASE);
			assertThat(transition.result()).isEqualTo(new ClaimResult.Existing(this.current));
			assertThat(((ClaimResult.Existing) transition.result()).record().fingerprint()).isEqualTo(FINGERPRINT);
			assertThat(transition.next()).isSameAs(this.current);
		}

		@Test
		void ownerCompletesWithRetentionCountedFromNow() {
			Transition<Boolean> transition = IdempotencyStateMachine.complete(this.current, OWNER,
					RecordState.FINISHED_OK, RESPONSE, now(), RETENTION);
			assertThat(transition.result()).isTrue();
			assertThat(transition.next()).isEqualTo(
					IdempotencyRecord.finished(RecordState.FINISHED_OK, FINGERPRINT, RESPONSE, now().plus(RETENTION)));
		}

		@Test
		void ownerCompletesWithError() {
			Transition<Boolean> transition = IdempotencyStateMachine.complete(this.current, OWNER,
					RecordState.FINISHED_ERROR, RESPONSE, now(), RETENTION);
			assertThat(transition.result()).isTrue();
			assertThat(transition.next().state()).isEqualTo(RecordState.FINISHED_ERROR);
			assertThat(transition.next().owner()).isNull();
		}

		@Test
		void staleOwnerCannotComplete() {
			assertFenced(IdempotencyStateMachine.complete(this.current, STALE, RecordState.FINISHED_OK, RESPONSE,
					now(), RETENTION), this.current);
		}

		@Test
		void ownerReleases() {
			Transition<Boolean> transition = IdempotencyStateMachine.release(this.current, OWNER, now());
			assertThat(transition.result()).isTrue();
			assertThat(transition.next()).isNull();
		}

		@Test
		void staleOwnerCannotRelease() {
			assertFenced(IdempotencyStateMachine.release(this.current, STALE, now()), this.current);
		}

		@Test
		void ownerRenewsWithLeaseCountedFromNow() {
			Transition<Boolean> transition = IdempotencyStateMachine.renew(this.current, OWNER, now(), LEASE);
			assertThat(transition.result()).isTrue();
			assertThat(transition.next()).isEqualTo(IdempotencyRecord.ongoing(OWNER, FINGERPRINT, now().plus(LEASE)));
		}

		@Test
		void staleOwnerCannotRenew() {
			assertFenced(IdempotencyStateMachine.renew(this.current, STALE, now(), LEASE), this.current);
		}

		@Test
		void renewedLeaseOutlivesTheFirstDeadline() {
			IdempotencyRecord renewed = IdempotencyStateMachine.renew(this.current, OWNER, now(), LEASE).next();
			IdempotencyStateMachineTest.this.clock.advance(Duration.ofMillis(2));
			assertThat(this.current.isLiveAt(now())).isFalse();
			assertThat(IdempotencyStateMachine.claim(renewed, FINGERPRINT, NEW_OWNER, now(), LEASE).result())
				.isInstanceOf(ClaimResult.Existing.class);
		}

	}

	@Nested
	class OngoingWithExpiredLease {

		private IdempotencyRecord current;

		@BeforeEach
		void claimAndLetTheLeaseRunOut() {
			this.current = claimed();
			// the deadline itself is already past: a lease holds strictly before it
			IdempotencyStateMachineTest.this.clock.advance(LEASE);
		}

		@Test
		void claimWithSameFingerprintTakesOverWithNewToken() {
			assertClaimedBy(IdempotencyStateMachine.claim(this.current, FINGERPRINT, NEW_OWNER, now(), LEASE),
					NEW_OWNER, true, FINGERPRINT);
		}

		@Test
		void claimWithDifferentFingerprintTakesOverToo() {
			assertClaimedBy(IdempotencyStateMachine.claim(this.current, OTHER_FINGERPRINT, NEW_OWNER, now(), LEASE),
					NEW_OWNER, true, OTHER_FINGERPRINT);
		}

		@Test
		void formerOwnerCannotComplete() {
			assertFenced(IdempotencyStateMachine.complete(this.current, OWNER, RecordState.FINISHED_OK, RESPONSE,
					now(), RETENTION), this.current);
		}

		@Test
		void staleOwnerCannotComplete() {
			assertFenced(IdempotencyStateMachine.complete(this.current, STALE, RecordState.FINISHED_OK, RESPONSE,
					now(), RETENTION), this.current);
		}

		@Test
		void formerOwnerCannotRelease() {
			assertFenced(IdempotencyStateMachine.release(this.current, OWNER, now()), this.current);
		}

		@Test
		void staleOwnerCannotRelease() {
			assertFenced(IdempotencyStateMachine.release(this.current, STALE, now()), this.current);
		}

		@Test
		void formerOwnerCannotRenewEvenWhenNobodyTookOver() {
			assertFenced(IdempotencyStateMachine.renew(this.current, OWNER, now(), LEASE), this.current);
		}

		@Test
		void staleOwnerCannotRenew() {
			assertFenced(IdempotencyStateMachine.renew(this.current, STALE, now(), LEASE), this.current);
		}

		@Test
		void countsAsAbsent() {
			assertThat(IdempotencyStateMachine.inForce(this.current, now())).isNull();
		}

		@Test
		void formerOwnerIsFencedAfterTakeover() {
			IdempotencyRecord takenOver = IdempotencyStateMachine.claim(this.current, FINGERPRINT, NEW_OWNER, now(),
					LEASE).next();
			assertFenced(IdempotencyStateMachine.complete(takenOver, OWNER, RecordState.FINISHED_OK, RESPONSE, now(),
					RETENTION), takenOver);
			assertFenced(IdempotencyStateMachine.release(takenOver, OWNER, now()), takenOver);
			assertFenced(IdempotencyStateMachine.renew(takenOver, OWNER, now(), LEASE), takenOver);
			assertThat(IdempotencyStateMachine.complete(takenOver, NEW_OWNER, RecordState.FINISHED_OK, RESPONSE,
					now(), RETENTION).result()).isTrue();
		}

	}

	abstract class FinishedCases {

		abstract RecordState state();

		@Test
		void liveRecordIsFoundByClaimWithSameFingerprintForReplay() {
			IdempotencyRecord current = finished(state());
			IdempotencyStateMachineTest.this.clock.advance(RETENTION.minusMillis(1));
			Transition<ClaimResult> transition = IdempotencyStateMachine.claim(current, FINGERPRINT, NEW_OWNER, now(),
					LEASE);
			assertThat(transition.result()).isEqualTo(new ClaimResult.Existing(current));
			assertThat(((ClaimResult.Existing) transition.result()).record().state()).isEqualTo(state());
			assertThat(((ClaimResult.Existing) transition.result()).record().response()).isEqualTo(RESPONSE);
			assertThat(transition.next()).isSameAs(current);
		}

		@Test
		void liveRecordIsFoundByClaimWithDifferentFingerprint() {
			IdempotencyRecord current = finished(state());
			Transition<ClaimResult> transition = IdempotencyStateMachine.claim(current, OTHER_FINGERPRINT, NEW_OWNER,
					now(), LEASE);
			assertThat(transition.result()).isEqualTo(new ClaimResult.Existing(current));
			assertThat(transition.next()).isSameAs(current);
		}

		@Test
		void liveRecordCannotBeCompletedAgainByItsFormerOwner() {
			IdempotencyRecord current = finished(state());
			assertFenced(IdempotencyStateMachine.complete(current, OWNER, RecordState.FINISHED_OK,
					StoredResponse.of(200, Map.of(), new byte[0]), now(), RETENTION), current);
		}

		@Test
		void liveRecordCannotBeCompletedByStaleOwner() {
			IdempotencyRecord current = finished(state());
			assertFenced(IdempotencyStateMachine.complete(current, STALE, RecordState.FINISHED_OK, RESPONSE, now(),
					RETENTION), current);
		}

		@Test
		void liveRecordCannotBeReleasedByItsFormerOwner() {
			IdempotencyRecord current = finished(state());
			assertFenced(IdempotencyStateMachine.release(current, OWNER, now()), current);
		}

		@Test
		void liveRecordCannotBeReleasedByStaleOwner() {
			IdempotencyRecord current = finished(state());
			assertFenced(IdempotencyStateMachine.release(current, STALE, now()), current);
		}

		@Test
		void liveRecordCannotBeRenewedByItsFormerOwner() {
			IdempotencyRecord current = finished(state());
			assertFenced(IdempotencyStateMachine.renew(current, OWNER, now(), LEASE), current);
		}

		@Test
		void liveRecordCannotBeRenewedByStaleOwner() {
			IdempotencyRecord current = finished(state());
			assertFenced(IdempotencyStateMachine.renew(current, STALE, now(), LEASE), current);
		}

		@Test
		void expiredRecordIsClaimedAfreshWithoutTakeover() {
			IdempotencyRecord current = finished(state());
			IdempotencyStateMachineTest.this.clock.advance(RETENTION);
			assertThat(IdempotencyStateMachine.inForce(current, now())).isNull();
			assertClaimedBy(IdempotencyStateMachine.claim(current, FINGERPRINT, NEW_OWNER, now(), LEASE), NEW_OWNER,
					false, FINGERPRINT);
		}

		@Test
		void expiredRecordIsClaimedAfreshWithDifferentFingerprint() {
			IdempotencyRecord current = finished(state());
			IdempotencyStateMachineTest.this.clock.advance(RETENTION.plusSeconds(1));
			assertClaimedBy(IdempotencyStateMachine.claim(current, OTHER_FINGERPRINT, NEW_OWNER, now(), LEASE),
					NEW_OWNER, false, OTHER_FINGERPRINT);
		}

		@Test
		void expiredRecordCannotBeCompletedReleasedOrRenewed() {
			IdempotencyRecord current = finished(state());
			IdempotencyStateMachineTest.this.clock.advance(RETENTION);
			for (OwnerToken token : List.of(OWNER, STALE)) {
				assertFenced(IdempotencyStateMachine.complete(current, token, RecordState.FINISHED_OK, RESPONSE, now(),
						RETENTION), current);
				assertFenced(IdempotencyStateMachine.release(current, token, now()), current);
				assertFenced(IdempotencyStateMachine.renew(current, token, now(), LEASE), current);
			}
		}

	}

	@Nested
	class FinishedOk extends FinishedCases {

		@Override
		RecordState state() {
			return RecordState.FINISHED_OK;
		}

	}

	@Nested
	class FinishedError extends FinishedCases {

		@Override
		RecordState state() {
			return RecordState.FINISHED_ERROR;
		}

	}

	@Nested
	class InvalidArguments {

		@Test
		void completeRequiresFinishedState() {
			assertThatIllegalArgumentException().isThrownBy(() -> IdempotencyStateMachine.complete(claimed(), OWNER,
					RecordState.ONGOING, RESPONSE, now(), RETENTION));
			assertThatIllegalArgumentException().isThrownBy(() -> IdempotencyStateMachine.complete(claimed(), OWNER,
					RecordState.ABSENT, RESPONSE, now(), RETENTION));
		}

		@Test
		void durationsMustBePositive() {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> IdempotencyStateMachine.claim(null, FINGERPRINT, OWNER, now(), Duration.ZERO));
			assertThatIllegalArgumentException().isThrownBy(() -> IdempotencyStateMachine.renew(claimed(), OWNER,
					now(), Duration.ofSeconds(-1)));
			assertThatIllegalArgumentException().isThrownBy(() -> IdempotencyStateMachine.complete(claimed(), OWNER,
					RecordState.FINISHED_OK, RESPONSE, now(), Duration.ZERO));
		}

		@Test
		void recordShapesAreEnforced() {
			assertThatIllegalArgumentException().isThrownBy(
					() -> new IdempotencyRecord(RecordState.ABSENT, null, FINGERPRINT, null, now()));
			assertThatIllegalArgumentException().isThrownBy(
					() -> new IdempotencyRecord(RecordState.ONGOING, null, FINGERPRINT, null, now()));
			assertThatIllegalArgumentException().isThrownBy(
					() -> new IdempotencyRecord(RecordState.FINISHED_OK, OWNER, FINGERPRINT, RESPONSE, now()));
			assertThatIllegalArgumentException().isThrownBy(
					() -> new IdempotencyRecord(RecordState.FINISHED_OK, null, FINGERPRINT, null, now()));
		}

	}

	@Nested
	class CompletionInMilliseconds {

		/**
		 * The completion the executor makes, in milliseconds, decides and writes exactly as the one at the instant
		 * of those milliseconds: at each millisecond around the lease deadline, for deadlines on and between
		 * milliseconds, before and after the epoch, for the owner and for another token.
		 */
		@Test
		void agreesWithTheCompletionAtTheInstantOfItsMilliseconds() {
			for (Instant claimedAt : List.of(Instant.parse("2026-01-01T00:00:00Z"),
					Instant.parse("2026-01-01T00:00:00.000400Z"), Instant.parse("2026-01-01T00:00:00.999999999Z"),
					Instant.parse("1969-12-31T23:59:29.000500Z"))) {
				IdempotencyRecord ongoing = IdempotencyStateMachine.claim(null, FINGERPRINT, OWNER, claimedAt, LEASE)
					.next();
				long deadlineMillis = ongoing.expiresAt().toEpochMilli();
				for (long millis = deadlineMillis - 2; millis <= deadlineMillis + 2; millis++) {
					for (OwnerToken presented : List.of(OWNER, STALE)) {
						Transition<Boolean> atInstant = IdempotencyStateMachine.complete(ongoing, presented,
								RecordState.FINISHED_OK, RESPONSE, Instant.ofEpochMilli(millis), RETENTION);
						Transition<Boolean> inMillis = IdempotencyStateMachine.complete(ongoing, presented,
								RecordState.FINISHED_OK, RESPONSE, millis, RETENTION);
						assertThat(inMillis).as("claimed at %s, completed at %d ms by %s", claimedAt, millis,
								presented)
							.isEqualTo(atInstant);
					}
				}
				// the boundary itself: applied the millisecond before the deadline's, fenced from the deadline on
				assertThat(IdempotencyStateMachine
					.complete(ongoing, OWNER, RecordState.FINISHED_OK, RESPONSE, deadlineMillis - 1, RETENTION)
					.result()).isTrue();
				assertThat(IdempotencyStateMachine
					.complete(ongoing, OWNER, RecordState.FINISHED_OK, RESPONSE, deadlineMillis + 1, RETENTION)
					.result()).isFalse();
			}
		}

		@Test
		void keepsTheResponseForTheRetentionCountedFromItsMilliseconds() {
			IdempotencyRecord ongoing = IdempotencyStateMachine.claim(null, FINGERPRINT, OWNER, now(), LEASE).next();
			long millis = now().toEpochMilli() + 1_234;
			Transition<Boolean> completed = IdempotencyStateMachine.complete(ongoing, OWNER,
					RecordState.FINISHED_ERROR, RESPONSE, millis, Duration.ofSeconds(5, 999_999_999));
			assertThat(completed.result()).isTrue();
			assertThat(completed.next()).isEqualTo(IdempotencyRecord.finished(RecordState.FINISHED_ERROR,
					FINGERPRINT, RESPONSE, Instant.ofEpochMilli(millis).plus(Duration.ofSeconds(5, 999_999_999))));
		}

		@Test
		void checksItsArgumentsLikeTheCompletionAtAnInstant() {
			assertThatIllegalArgumentException().isThrownBy(() -> IdempotencyStateMachine.complete(claimed(), OWNER,
					RecordState.ONGOING, RESPONSE, now().toEpochMilli(), RETENTION));
			assertThatIllegalArgumentException().isThrownBy(() -> IdempotencyStateMachine.complete(claimed(), OWNER,
					RecordState.FINISHED_OK, RESPONSE, now().toEpochMilli(), Duration.ZERO));
		}

	}

}

package io.github.idempotency.sample.payment;

import java.util.List;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * Stores payments.
 */
public interface PaymentRepository extends JpaRepository<Payment, String> {

	List<Payment> findByOwnerOrderByCreatedAtAsc(String owner);

	Optional<Payment> findByIdAndOwner(String id, String owner);

}

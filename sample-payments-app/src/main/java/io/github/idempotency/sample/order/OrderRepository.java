package io.github.idempotency.sample.order;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * Stores orders.
 */
public interface OrderRepository extends JpaRepository<PurchaseOrder, String> {

}

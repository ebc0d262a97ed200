package io.github.idempotency.sample.order;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /orders}.
 *
 * @param sku the article, such as {@code BOOK-1}
 * @param quantity how many, 1 to 1000
 */
public record OrderRequest(@NotBlank @Size(max = 64) String sku, @NotNull @Positive @Max(1000) Integer quantity) {

}

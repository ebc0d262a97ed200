package io.github.idempotency.benchmarks.web;

import java.nio.charset.StandardCharsets;

import io.github.idempotency.spring.Idempotent;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The smallest Spring Boot app the web path benchmarks need: the starter's auto-configuration with the memory
 * store, and one handler behind an unprotected path, a header-key path and a SpEL-key path. With
 * {@value #APP_RENDERED_PROBLEMS}{@code =true}, an application's {@link ResponseEntityExceptionHandler} advice renders
 * the library's refusals, as the sample app's does.
 */
@SpringBootApplication
public class WebPathApplication {

	/** The property that registers {@link ApplicationProblems}. */
	public static final String APP_RENDERED_PROBLEMS = "benchmark.app-rendered-problems";

	/** The SpEL key of {@code /spel}. */
	public static final String KEY_EXPRESSION = "#request.sku() + ':' + #request.qty()";

	static final byte[] RECEIPT = ("{\"id\":\"8e2afe3a-1756-4f35-9cd2-d897fad89a8e\","
			+ "\"sku\":\"BOOK-1\",\"qty\":2,\"status\":\"CONFIRMED\"}")
		.getBytes(StandardCharsets.US_ASCII);

	/** What {@code /idem-sized} answers; set before its first request ({@link #sizeReceipt(int)}). */
	static volatile byte[] sizedReceipt = RECEIPT;

	/**
	 * Makes {@code /idem-sized} answer a JSON receipt of exactly this many bytes: the receipt with a padding member.
	 * @param bytes the length, at least the receipt's plus 10
	 */
	static void sizeReceipt(int bytes) {
		String head = new String(RECEIPT, StandardCharsets.US_ASCII);
		String prefix = head.substring(0, head.length() - 1) + ",\"pad\":\"";
		int padding = bytes - prefix.length() - 2;
		if (padding < 0) {
			throw new IllegalArgumentException("A receipt cannot be as short as " + bytes + " bytes");
		}
		sizedReceipt = (prefix + "x".repeat(padding) + "\"}").getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * The request body.
	 * @param sku the article
	 * @param qty how many
	 */
	public record Purchase(String sku, int qty) {
	}

	@RestController
	static class PurchaseController {

		@PostMapping("/plain")
		ResponseEntity<byte[]> plain(@RequestBody Purchase request) {
			return created();
		}

		@PostMapping("/idem")
		@Idempotent(name = "idem")
		ResponseEntity<byte[]> idem(@RequestBody Purchase request) {
			return created();
		}

		/**
		 * {@code /idem} answering {@link #sizedReceipt}: a replay that writes as many bytes as the 503 problem, so that
		 * the two compare with the same body to write (MockMvc writes a body byte by byte).
		 */
		@PostMapping("/idem-sized")
		@Idempotent(name = "idem-sized")
		ResponseEntity<byte[]> idemSized(@RequestBody Purchase request) {
			return ResponseEntity.status(HttpStatus.CREATED).contentType(MediaType.APPLICATION_JSON).body(sizedReceipt);
		}

		@PostMapping("/spel")
		@Idempotent(name = "spel", key = KEY_EXPRESSION, scope = Idempotent.Scope.GLOBAL)
		public ResponseEntity<byte[]> spel(@RequestBody Purchase request) {
			return created();
		}

		private static ResponseEntity<byte[]> created() {
			return ResponseEntity.status(HttpStatus.CREATED).contentType(MediaType.APPLICATION_JSON).body(RECEIPT);
		}

	}

	/** Renders every {@code ErrorResponse}, the library's refusals included, as an application's advice does. */
	@RestControllerAdvice
	@ConditionalOnProperty(name = APP_RENDERED_PROBLEMS, havingValue = "true")
	static class ApplicationProblems extends ResponseEntityExceptionHandler {

	}

}

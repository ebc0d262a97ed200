package io.github.idempotency.spring.web;

import io.github.idempotency.spring.Idempotent;
import io.github.idempotency.spring.autoconfigure.IdempotencyAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class SafeMethodWarningTest {

	@Test
	void annotatingAGetHandlerLogsAWarningAtStartUp(CapturedOutput output) {
		new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class))
			.withPropertyValues("idempotency.store=memory")
			.withBean(ReadController.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("@Idempotent on").contains("ReadController.read").contains("handles GET");
			});
	}

	@RestController
	static class ReadController {

		@GetMapping("/read")
		@Idempotent
		String read() {
			return "read";
		}

	}

}

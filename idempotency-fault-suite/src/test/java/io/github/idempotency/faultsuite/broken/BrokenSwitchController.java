package io.github.idempotency.faultsuite.broken;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /fault-suite/broken?setting=<value>|none} switches the child app's broken setting between a
 * scenario's phases; {@code GET} reads it. Any authenticated user may call it: the child app is the suite's own.
 */
@RestController
class BrokenSwitchController {

	private final BrokenSwitch brokenSwitch;

	BrokenSwitchController(BrokenSwitch brokenSwitch) {
		this.brokenSwitch = brokenSwitch;
	}

	@PostMapping("/fault-suite/broken")
	String set(@RequestParam String setting) {
		this.brokenSwitch.set(setting);
		return this.brokenSwitch.current();
	}

	@GetMapping("/fault-suite/broken")
	String get() {
		return this.brokenSwitch.current();
	}

}

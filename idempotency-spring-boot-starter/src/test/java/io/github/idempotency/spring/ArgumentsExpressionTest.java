package io.github.idempotency.spring;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import org.springframework.expression.spel.SpelEvaluationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Key and fingerprint expressions see an invocation's arguments by name and as {@code #p0}/{@code #a0}, in a
 * read-only data-binding context that allows instance methods and nothing more.
 */
class ArgumentsExpressionTest {

	@Test
	void argumentsAreVariablesByNameAndByPosition() throws Exception {
		ArgumentsExpression expression = parse("#order + '/' + #p1 + '/' + #a0 + '/' + #amount", "pay");

		assertThat(expression.evaluate(new Object[] { "o-7", 1250 })).isEqualTo("o-7/1250/o-7/1250");
	}

	@Test
	void parameterNamedLikeAPositionIsShadowedByTheLaterPosition() throws Exception {
		// the variables are filled argument by argument: #p1 of the second argument replaces the first's name
		ArgumentsExpression expression = parse("#p1", "shadowed");

		assertThat(expression.evaluate(new Object[] { "named p1", "second" })).isEqualTo("second");
	}

	@Test
	void unknownVariableAndNullArgumentAreNull() throws Exception {
		assertThat(parse("#nothing", "pay").evaluate(new Object[] { "o-7", 1 })).isNull();
		assertThat(parse("#order", "pay").evaluate(new Object[] { null, 1 })).isNull();
	}

	@Test
	void instanceMethodsAreCalled() throws Exception {
		assertThat(parse("#order.toUpperCase() + #order.length()", "pay").evaluate(new Object[] { "o-7", 1 }))
			.isEqualTo("O-73");
	}

	@Test
	void assignmentTypesAndStaticMethodsAreRefused() throws Exception {
		assertThatExceptionOfType(SpelEvaluationException.class)
			.isThrownBy(() -> parse("#order = 'x'", "pay").evaluate(new Object[] { "o-7", 1 }));
		assertThatExceptionOfType(SpelEvaluationException.class)
			.isThrownBy(() -> parse("T(java.lang.System).getProperty('user.home')", "pay")
				.evaluate(new Object[] { "o-7", 1 }));
		assertThatExceptionOfType(SpelEvaluationException.class)
			.isThrownBy(() -> parse("new java.io.File('x')", "pay").evaluate(new Object[] { "o-7", 1 }));
	}

	@Test
	void emptyExpressionIsNoneAndUnparsableOneFailsNamingTheMethod() throws Exception {
		assertThat(ArgumentsExpression.parse(" ", "key", method("pay"), "Payments#pay")).isNull();
		assertThatIllegalStateException()
			.isThrownBy(() -> ArgumentsExpression.parse("#order +", "key", method("pay"), "Payments#pay"))
			.withMessageContaining("Invalid key expression '#order +' in @Idempotent on Payments#pay");
	}

	@Test
	void concurrentInvocationsEachSeeTheirOwnArguments() throws Exception {
		ArgumentsExpression expression = parse("#order + ':' + #amount", "pay");
		ExecutorService threads = Executors.newFixedThreadPool(4);
		try {
			List<Future<Boolean>> results = new ArrayList<>();
			for (int thread = 0; thread < 4; thread++) {
				String prefix = "t" + thread + "-";
				results.add(threads.submit((Callable<Boolean>) () -> {
					for (int i = 0; i < 2_000; i++) {
						if (!(prefix + i + ":" + i).equals(expression.evaluate(new Object[] { prefix + i, i }))) {
							return false;
						}
					}
					return true;
				}));
			}
			for (Future<Boolean> result : results) {
				assertThat(result.get()).isTrue();
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

	private static ArgumentsExpression parse(String expression, String methodName) throws Exception {
		ArgumentsExpression parsed = ArgumentsExpression.parse(expression, "key", method(methodName), methodName);
		assertThat(parsed).isNotNull();
		return parsed;
	}

	private static Method method(String name) {
		for (Method method : Methods.class.getDeclaredMethods()) {
			if (method.getName().equals(name)) {
				return method;
			}
		}
		throw new IllegalArgumentException(name);
	}

	static class Methods {

		void pay(String order, int amount) {
		}

		void shadowed(String p1, String other) {
		}

	}

}

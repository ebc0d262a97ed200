package io.github.idempotency.spring;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;

import org.jspecify.annotations.Nullable;

import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.SimpleEvaluationContext;
import org.springframework.util.StringUtils;

/**
 * A SpEL expression of an {@code @Idempotent} method (its key or its fingerprint), parsed once at start-up and
 * evaluated over an invocation's arguments: by parameter name and as {@code #p0}/{@code #a0}, with read-only data
 * binding and instance methods.
 */
final class ArgumentsExpression {

	private static final SpelExpressionParser PARSER = new SpelExpressionParser();

	private final Expression expression;

	private final @Nullable String[] parameterNames;

	private ArgumentsExpression(Expression expression, @Nullable String[] parameterNames) {
		this.expression = expression;
		this.parameterNames = parameterNames;
	}

	/**
	 * Parses an annotation attribute's expression.
	 * @param expression the expression, empty for none
	 * @param attribute the attribute's name, for the error message
	 * @param method the annotated method, whose parameter names the expression may use
	 * @param description the method as error messages name it
	 * @return the parsed expression, or {@code null} when the attribute is empty
	 * @throws IllegalStateException when the expression cannot be parsed
	 */
	static @Nullable ArgumentsExpression parse(String expression, String attribute, Method method,
			String description) {
		if (!StringUtils.hasText(expression)) {
			return null;
		}
		try {
			return new ArgumentsExpression(PARSER.parseExpression(expression), parameterNames(method));
		}
		catch (ParseException ex) {
			throw new IllegalStateException("Invalid " + attribute + " expression '" + expression
					+ "' in @Idempotent on " + description + ": " + ex.getMessage());
		}
	}

	/**
	 * Evaluates the expression over an invocation's arguments.
	 * @param arguments the arguments
	 * @return the value, or {@code null}
	 */
	@Nullable Object evaluate(@Nullable Object[] arguments) {
		return this.expression.getValue(context(arguments));
	}

	private EvaluationContext context(@Nullable Object[] arguments) {
		SimpleEvaluationContext.Builder builder = SimpleEvaluationContext.forReadOnlyDataBinding().withInstanceMethods();
		EvaluationContext context = builder.build();
		for (int i = 0; i < arguments.length; i++) {
			context.setVariable("p" + i, arguments[i]);
			context.setVariable("a" + i, arguments[i]);
			if (this.parameterNames[i] != null) {
				context.setVariable(this.parameterNames[i], arguments[i]);
			}
		}
		return context;
	}

	private static @Nullable String[] parameterNames(Method method) {
		Parameter[] parameters = method.getParameters();
		@Nullable String[] names = new String[parameters.length];
		for (int i = 0; i < parameters.length; i++) {
			names[i] = parameters[i].isNamePresent() ? parameters[i].getName() : null;
		}
		return names;
	}

}

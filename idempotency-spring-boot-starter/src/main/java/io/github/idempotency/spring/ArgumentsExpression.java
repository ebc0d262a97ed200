package io.github.idempotency.spring;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.expression.BeanResolver;
import org.springframework.expression.ConstructorResolver;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.IndexAccessor;
import org.springframework.expression.MethodResolver;
import org.springframework.expression.OperatorOverloader;
import org.springframework.expression.ParseException;
import org.springframework.expression.PropertyAccessor;
import org.springframework.expression.TypeComparator;
import org.springframework.expression.TypeConverter;
import org.springframework.expression.TypeLocator;
import org.springframework.expression.TypedValue;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.SimpleEvaluationContext;
import org.springframework.util.StringUtils;

/**
 * A SpEL expression of an {@code @Idempotent} method (its key or its fingerprint), parsed once at start-up and
 * evaluated over an invocation's arguments: by parameter name and as {@code #p0}/{@code #a0}, with read-only data
 * binding and instance methods.
 * <p>
 * Every evaluation of an expression shares one {@link SimpleEvaluationContext}, whose property accessor and method
 * resolver cache what they found by reflection; only the arguments are the invocation's own, looked up by index
 * rather than copied into a map of variables each time. The shared context belongs to the expression, not to the
 * class, so that its caches of application types go with the application context.
 */
final class ArgumentsExpression {

	private static final SpelExpressionParser PARSER = new SpelExpressionParser();

	private final Expression expression;

	private final Map<String, Integer> argumentIndexes;

	// never given a variable, and its accessor's caches are concurrent: safe to share between threads
	private final EvaluationContext shared = SimpleEvaluationContext.forReadOnlyDataBinding()
		.withInstanceMethods()
		.build();

	private ArgumentsExpression(Expression expression, Map<String, Integer> argumentIndexes) {
		this.expression = expression;
		this.argumentIndexes = argumentIndexes;
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
			return new ArgumentsExpression(PARSER.parseExpression(expression), argumentIndexes(method));
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
		return new ArgumentsContext(arguments);
	}

	// the variables an invocation's arguments are known by, later names winning as they would in a map filled in order
	private static Map<String, Integer> argumentIndexes(Method method) {
		Parameter[] parameters = method.getParameters();
		Map<String, Integer> indexes = new HashMap<>();
		for (int i = 0; i < parameters.length; i++) {
			indexes.put("p" + i, i);
			indexes.put("a" + i, i);
			if (parameters[i].isNamePresent()) {
				indexes.put(parameters[i].getName(), i);
			}
		}
		return Map.copyOf(indexes);
	}

	/**
	 * The shared context, with one invocation's arguments as its variables.
	 */
	private final class ArgumentsContext implements EvaluationContext {

		private final @Nullable Object[] arguments;

		// a variable the expression itself set; SimpleEvaluationContext allows it, though no key expression needs it
		private @Nullable Map<String, @Nullable Object> assigned;

		ArgumentsContext(@Nullable Object[] arguments) {
			this.arguments = arguments;
		}

		@Override
		public void setVariable(String name, @Nullable Object value) {
			if (this.assigned == null) {
				this.assigned = new HashMap<>();
			}
			this.assigned.put(name, value);
		}

		@Override
		public @Nullable Object lookupVariable(String name) {
			if (this.assigned != null && this.assigned.containsKey(name)) {
				return this.assigned.get(name);
			}
			Integer index = ArgumentsExpression.this.argumentIndexes.get(name);
			return (index != null && index < this.arguments.length) ? this.arguments[index] : null;
		}

		@Override
		public TypedValue assignVariable(String name, Supplier<TypedValue> valueSupplier) {
			return ArgumentsExpression.this.shared.assignVariable(name, valueSupplier);
		}

		@Override
		public TypedValue getRootObject() {
			return ArgumentsExpression.this.shared.getRootObject();
		}

		@Override
		public List<PropertyAccessor> getPropertyAccessors() {
			return ArgumentsExpression.this.shared.getPropertyAccessors();
		}

		@Override
		public List<IndexAccessor> getIndexAccessors() {
			return ArgumentsExpression.this.shared.getIndexAccessors();
		}

		@Override
		public List<ConstructorResolver> getConstructorResolvers() {
			return ArgumentsExpression.this.shared.getConstructorResolvers();
		}

		@Override
		public List<MethodResolver> getMethodResolvers() {
			return ArgumentsExpression.this.shared.getMethodResolvers();
		}

		@Override
		public @Nullable BeanResolver getBeanResolver() {
			return ArgumentsExpression.this.shared.getBeanResolver();
		}

		@Override
		public TypeLocator getTypeLocator() {
			return ArgumentsExpression.this.shared.getTypeLocator();
		}

		@Override
		public TypeConverter getTypeConverter() {
			return ArgumentsExpression.this.shared.getTypeConverter();
		}

		@Override
		public TypeComparator getTypeComparator() {
			return ArgumentsExpression.this.shared.getTypeComparator();
		}

		@Override
		public OperatorOverloader getOperatorOverloader() {
			return ArgumentsExpression.this.shared.getOperatorOverloader();
		}

		@Override
		public boolean isAssignmentEnabled() {
			return ArgumentsExpression.this.shared.isAssignmentEnabled();
		}

		@Override
		public boolean isCompilationSupported() {
			return ArgumentsExpression.this.shared.isCompilationSupported();
		}

	}

}

package io.github.idempotency.sample.order;

import org.junit.jupiter.api.Test;

import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.StandardEvaluationContext;

import static org.assertj.core.api.Assertions.assertThat;

class TransitionKeyExpressionTest {

	@Test
	void keyIsTheOrderAndTheEdge() {
		StandardEvaluationContext context = new StandardEvaluationContext();
		context.setVariable("id", "o-42");
		context.setVariable("transition", new TransitionRequest(OrderState.CREATED, OrderState.PAID));
		Object key = new SpelExpressionParser().parseExpression(OrderController.TRANSITION_KEY).getValue(context);
		assertThat(key).isEqualTo("o-42:CREATED:PAID");
	}

}

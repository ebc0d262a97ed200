package io.github.idempotency.spring.autoconfigure;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.github.idempotency.core.execution.IdempotencyListener;
import io.github.idempotency.core.execution.IdempotentExecutor;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.InMemoryIdempotencyStore;
import io.github.idempotency.core.execution.CompositeIdempotencyListener;
import io.github.idempotency.spring.IdempotencyAdvisor;
import io.github.idempotency.spring.IdempotencyInterceptor;
import io.github.idempotency.spring.IdempotencyScopeResolver;
import io.github.idempotency.spring.IdempotentHttpHandler;
import io.github.idempotency.spring.IdempotentMethodDefaults;
import io.github.idempotency.spring.IdempotentMethodDefaults.EndpointOverrides;
import io.github.idempotency.spring.IdempotentMethodRegistry;
import io.github.idempotency.spring.JoinedCompletion;
import io.github.idempotency.spring.JsonResultCodecFactory;
import io.github.idempotency.spring.ResultCodecFactory;
import io.github.idempotency.spring.web.RequestMappingEndpointResolver;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * Auto-configuration of {@code @Idempotent}: the store (the application's own {@link IdempotencyStore} bean, else
 * the one the Redis or JPA auto-configuration defined, else memory), the {@link IdempotentExecutor}, the advisor
 * that intercepts annotated methods and, in a servlet web application, the filter that captures and replays
 * responses ({@link IdempotencyWebConfiguration}). {@code idempotency.enabled=false} turns it all off.
 * <p>
 * Runs after the store auto-configurations, referenced by name so that neither needs the other's classes.
 */
@AutoConfiguration(
		afterName = { "io.github.idempotency.spring.redis.autoconfigure.RedisIdempotencyStoreAutoConfiguration",
				"io.github.idempotency.spring.jpa.autoconfigure.JpaIdempotencyStoreAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "idempotency.enabled", matchIfMissing = true)
@EnableConfigurationProperties(IdempotencyProperties.class)
@Import({ IdempotencyAutoConfiguration.AutoProxyRegistrar.class, IdempotencyWebConfiguration.class })
public final class IdempotencyAutoConfiguration {

	private static final Log logger = LogFactory.getLog(IdempotencyAutoConfiguration.class);

	// HTTP handlers need both Spring MVC's mappings and the servlet API, whatever the application's type
	private static final boolean WEB_PRESENT = ClassUtils.isPresent(
			"org.springframework.web.bind.annotation.RequestMapping", IdempotencyAutoConfiguration.class.getClassLoader())
			&& ClassUtils.isPresent("jakarta.servlet.http.HttpServletRequest",
					IdempotencyAutoConfiguration.class.getClassLoader());

	@Bean
	@ConditionalOnMissingBean(IdempotencyStore.class)
	@ConditionalOnIdempotencyStore(StoreType.MEMORY)
	InMemoryIdempotencyStore idempotencyStore(IdempotencyProperties properties) {
		if (properties.getStore() == StoreType.AUTO) {
			logger.warn("Idempotency records are kept in memory: this protects one application instance only. "
					+ "Add Redis or JPA, or set idempotency.store=memory to silence this warning");
		}
		MemoryStoreProperties memory = properties.getMemory();
		if (memory.getMaxRecords() < 1) {
			throw new InvalidIdempotencyConfigurationException("idempotency.memory.max-records",
					memory.getMaxRecords(), "idempotency.memory.max-records must be at least 1, was "
							+ memory.getMaxRecords(), "Set idempotency.memory.max-records to e.g. 100000.");
		}
		if (memory.getMaxBytes() == null
				|| memory.getMaxBytes().toBytes() < InMemoryIdempotencyStore.RECORD_OVERHEAD_BYTES) {
			throw new InvalidIdempotencyConfigurationException("idempotency.memory.max-bytes", memory.getMaxBytes(),
					"idempotency.memory.max-bytes must be at least " + InMemoryIdempotencyStore.RECORD_OVERHEAD_BYTES
							+ " bytes (one record), was " + memory.getMaxBytes(),
					"Set idempotency.memory.max-bytes to e.g. 128MB.");
		}
		return InMemoryIdempotencyStore.builder()
			.maxRecords(memory.getMaxRecords())
			.maxBytes(memory.getMaxBytes().toBytes())
			.build();
	}

	@Bean
	@ConditionalOnMissingBean
	IdempotentExecutor idempotentExecutor(ObjectProvider<IdempotencyStore> stores, IdempotencyProperties properties,
			ObjectProvider<Clock> clock, ObjectProvider<IdempotencyListener> listeners, Environment environment) {
		IdempotencyStore store = stores.getIfUnique();
		if (store == null) {
			String type = properties.getStore().name().toLowerCase();
			throw new InvalidIdempotencyConfigurationException("idempotency.store", type,
					"idempotency.store is '" + type + "' but no IdempotencyStore could be created for it",
					"Add " + ((properties.getStore() == StoreType.REDIS) ? "spring-boot-starter-data-redis and a "
							+ "RedisConnectionFactory" : "spring-boot-starter-data-jpa and an EntityManagerFactory")
							+ ", or set idempotency.store to 'auto' or 'memory'.");
		}
		return IdempotentExecutor.builder(store)
			.namespace(properties.namespaceFor(environment.getProperty("spring.application.name")))
			.clock(clock.getIfAvailable(Clock::systemUTC))
			.listener(new CompositeIdempotencyListener(listeners.orderedStream().toList()))
			.build();
	}

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static IdempotentMethodRegistry idempotentMethodRegistry(Environment environment,
			ObjectProvider<ResultCodecFactory> codecs) {
		IdempotencyProperties properties = bindEarly(environment);
		IdempotencyPropertiesValidator.validate(properties);
		return new IdempotentMethodRegistry(methodDefaults(properties),
				WEB_PRESENT ? new RequestMappingEndpointResolver() : null, environment, codecs::getIfAvailable);
	}

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static IdempotencyAdvisor idempotencyAdvisor(IdempotentMethodRegistry methods, Environment environment,
			ObjectProvider<IdempotentExecutor> executor, ObjectProvider<IdempotencyListener> listeners,
			ObjectProvider<IdempotencyScopeResolver> scopeResolver, ObjectProvider<IdempotentHttpHandler> http,
			@Lazy ResultCodecFactory codecs, ObjectProvider<JoinedCompletion> joinedCompletion) {
		IdempotencyProperties properties = bindEarly(environment);
		IdempotencyInterceptor interceptor = new IdempotencyInterceptor(methods, executor::getObject,
				compositeOnFirstUse(listeners), scopeResolver::getIfUnique, http.getIfAvailable(), codecs,
				properties.getKeyMaxLength(), onFirstUse(joinedCompletion));
		return new IdempotencyAdvisor(methods, interceptor, properties.getInterceptorOrder());
	}

	/**
	 * The application's listeners as one, looked up on first use: the interceptor is created while beans are
	 * proxied, before a metrics listener (and its registry) should exist.
	 */
	static Supplier<IdempotencyListener> compositeOnFirstUse(ObjectProvider<IdempotencyListener> listeners) {
		return SingletonSupplier.of(() -> new CompositeIdempotencyListener(listeners.orderedStream().toList()));
	}

	/**
	 * An optional bean, looked up once on first use; its absence is remembered too, so that requests do not search
	 * the bean factory.
	 */
	static <T> Supplier<@Nullable T> onFirstUse(ObjectProvider<T> provider) {
		SingletonSupplier<Optional<T>> bean = SingletonSupplier.of(() -> Optional.ofNullable(provider.getIfAvailable()));
		return () -> bean.obtain().orElse(null);
	}

	private static IdempotentMethodDefaults methodDefaults(IdempotencyProperties properties) {
		Map<String, EndpointOverrides> endpoints = new LinkedHashMap<>();
		properties.getEndpoints()
			.forEach((name, endpoint) -> endpoints.put(name, new EndpointOverrides(endpoint.getTtl(),
					endpoint.getLease(), endpoint.getOnConflict(), endpoint.getWaitTimeout(),
					endpoint.getMaxExecutionTime())));
		return new IdempotentMethodDefaults(properties.getTtl(), properties.getLease(), properties.getOnConflict(),
				properties.getWaitTimeout(), properties.getStoreFailure(), Map.copyOf(endpoints),
				properties.getMaxExecutionTime());
	}

	/**
	 * Binds the properties for the advisor and its registry without the {@link IdempotencyProperties} bean: advisors
	 * are created while bean post-processors are, and depending on the bean would create it too early for the
	 * post-processors (Spring warns that it is "not eligible for getting processed by all BeanPostProcessors").
	 */
	static IdempotencyProperties bindEarly(Environment environment) {
		return Binder.get(environment).bindOrCreate("idempotency", IdempotencyProperties.class);
	}

	/**
	 * Stores return values of non-web methods as JSON with the application's {@link JsonMapper}.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JsonMapper.class)
	static class JsonCodecConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static ResultCodecFactory idempotencyResultCodecFactory(ObjectProvider<JsonMapper> jsonMapper) {
			return new JsonResultCodecFactory(jsonMapper.getIfUnique(() -> JsonMapper.builder().build()));
		}

	}

	/**
	 * Makes sure an auto-proxy creator exists even when {@code spring.aop.auto=false}: the advisor has the
	 * infrastructure role, which the minimal creator honours.
	 */
	static class AutoProxyRegistrar implements ImportBeanDefinitionRegistrar {

		@Override
		public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
			AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
		}

	}

}

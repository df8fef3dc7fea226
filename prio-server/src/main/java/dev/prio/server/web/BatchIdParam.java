package dev.prio.server.web;

import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** API documentation of a {@code {batchId}} path variable: the characters a batch id may have. */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Parameter(
    description = "The batch id, as in DATA_CONFIG",
    schema = @Schema(type = "string", pattern = "^[A-Za-z0-9._-]{1,200}$"))
public @interface BatchIdParam {}

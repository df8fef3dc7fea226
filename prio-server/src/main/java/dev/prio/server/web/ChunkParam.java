package dev.prio.server.web;

import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** API documentation of a {@code {chunk}} path variable: the chunk index within the batch. */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Parameter(
    description = "The chunk index, from 0",
    schema = @Schema(type = "integer", format = "int32", minimum = "0"))
public @interface ChunkParam {}

import 'reflect-metadata';
import { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { ApiConfig } from './config';
import { edgeOptions, installEdge } from './http/edge';
import { ProblemFilter } from './http/problem.filter';
import { installLogPosition } from './http/read-your-writes';
import { installSecurity } from './auth/install';
import { validationPipe } from './http/validation';
import { withProblems } from './http/schema';
import { installReveal } from './privacy/reveal';

/** Builds the API (used by main.ts and by the end-to-end tests). */
export async function createApp(config: ApiConfig, logger: LogLevel[] = ['error', 'warn', 'log']): Promise<NestFastifyApplication> {
  // Nest's body parsers stay off: installEdge accepts JSON bodies only, and refuses them nested too deep.
  // A failure to start (a data file that cannot be opened) is thrown to the caller, not ended with process.exit.
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), new FastifyAdapter(edgeOptions), {
    logger,
    bodyParser: false,
    abortOnError: false,
  });
  installEdge(app);
  await installSecurity(app, config.auth);
  installLogPosition(app);
  installReveal(app);
  app.useGlobalPipes(validationPipe);
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Guaranteed start-up loans (小额担保贷款)')
      .setDescription('Commands of the programme and the event streams they produce. Amounts are integer fen; rates are basis points.')
      .setVersion('1')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'A person signs in with a token from the identity provider',
      })
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key', description: "A backend service's key" }, 'service-key')
      .build(),
  );
  SwaggerModule.setup('docs', app, withProblems(document));
  openApiDocuments.set(app, document);
  return app;
}

/** Each app's OpenAPI document, as served at /docs-json: the tests hold every answer to it. */
export const openApiDocuments = new WeakMap<NestFastifyApplication, OpenAPIObject>();

/**
 * The HTTP API in front of the functions with http triggers: routes from the topology, the Lambda proxy
 * (payload v2), access logs, and throttling on the default stage. No API-level CORS: the collector answers
 * `OPTIONS` itself, per source, from the origins each write key allows. Public routes have no authorizer: the
 * collector authenticates the Segment write key in the request itself. Admin routes (`auth: 'admin'`) have an
 * IAM authorizer: only SigV4-signed requests of principals allowed `execute-api:Invoke` on them get through.
 */
import { Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  type HttpRoute as HttpApiRoute,
  HttpMethod,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { HttpRoute } from '../topology.ts';

export interface IngestApiProps {
  /**
   * Steady-state requests per second the default stage accepts across all routes (HTTP APIs throttle per
   * stage and per route only, never per client).
   *
   * @default 1000
   */
  readonly throttlingRateLimit?: number;
  /**
   * Requests the default stage accepts in a burst.
   *
   * @default 2000
   */
  readonly throttlingBurstLimit?: number;
  /**
   * Write the client's IP address into the access logs; off unless the privacy settings keep full addresses.
   *
   * @default false
   */
  readonly logSourceIp?: boolean;
}

export class IngestApi extends Construct {
  public readonly api: HttpApi;
  public readonly stage: HttpStage;
  public readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: IngestApiProps = {}) {
    super(scope, id);

    this.api = new HttpApi(this, 'Api', {
      apiName: `${Stack.of(this).stackName}-http`,
      description: 'Segment-compatible collection endpoint of the CDP',
      createDefaultStage: false,
    });

    this.accessLogs = new LogGroup(this, 'AccessLogs');
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: {
        rateLimit: props.throttlingRateLimit ?? 1000,
        burstLimit: props.throttlingBurstLimit ?? 2000,
      },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(accessLogFields(props.logSourceIp ?? false))),
      },
    });
  }

  /** The URL clients send to, ending in `/`. */
  get url(): string {
    return this.stage.url;
  }

  /** Routes each of `routes` to `handler` through one Lambda proxy integration; admin routes behind IAM. */
  addRoutes(id: string, handler: IFunction, routes: readonly HttpRoute[]): HttpApiRoute[] {
    // One permission for the whole API instead of one per route: the function's resource policy is capped
    // at 20 KB, which a few dozen per-route statements would exhaust.
    const integration = new HttpLambdaIntegration(`${id}Integration`, handler, {
      scopePermissionToRoute: false,
    });
    const added: HttpApiRoute[] = [];
    for (const route of routes) {
      const admin = route.auth === 'admin';
      const created = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        ...(admin ? { authorizer: new HttpIamAuthorizer() } : {}),
      });
      added.push(...created);
      if (admin) continue;
      for (const publicRoute of created) {
        NagSuppressions.addResourceSuppressions(publicRoute, [
          {
            id: 'AwsSolutions-APIG4',
            reason:
              'A public ingestion endpoint by design, as Segment clients expect: the collector authenticates the ' +
              'write key carried in each request (Basic auth or body) against the sources table, and answers ' +
              'CORS preflights (OPTIONS) itself, which carry no credentials.',
          },
        ]);
      }
    }
    return added;
  }
}

/** Context variables of HTTP APIs (not REST APIs): one JSON object per request. */
function accessLogFields(logSourceIp: boolean): Record<string, string> {
  return {
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationStatus: '$context.integrationStatus',
    integrationError: '$context.integrationErrorMessage',
    userAgent: '$context.identity.userAgent',
    ...(logSourceIp ? { sourceIp: '$context.identity.sourceIp' } : {}),
  };
}

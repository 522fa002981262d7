import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  type FunctionSpec,
  functions,
  resourceEnv,
  type ScheduleTrigger,
  type StreamTrigger,
} from '../../infra/topology.ts';
import { configuredSettings, logicalId, synthPlatform } from './platform.ts';

const specs = Object.entries(functions) as [string, FunctionSpec][];
const streamTriggers = specs.flatMap(([name, spec]) =>
  spec.triggers.filter((t): t is StreamTrigger => t.kind === 'stream').map((trigger) => ({ name, trigger })),
);
const scheduleTriggers = specs.flatMap(([name, spec]) =>
  spec.triggers
    .filter((t): t is ScheduleTrigger => t.kind === 'schedule')
    .map((trigger) => ({ name, trigger })),
);
const httpRoutes = specs.flatMap(([name, spec]) =>
  spec.triggers.flatMap((t) => (t.kind === 'http' ? t.routes.map((route) => ({ name, route })) : [])),
);

describe('the functions stack', () => {
  // Prepare (once for the file): synthesizing the app is the slow part.
  const platform = synthPlatform();
  const stack = platform.functions;
  const template = platform.template(stack);
  const functionId = (name: string) => logicalId(platform.functions.functions[name]?.function ?? stack);
  const actionsOf = (name: string): string[] => {
    const role = platform.functions.functions[name]?.role;
    if (!role) throw new Error(`no role for ${name}`);
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: logicalId(role) }] },
    });
    return Object.values(policies).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap(
        (s) => s.Action,
      ),
    );
  };

  it('has a stream, schedule and http trigger to check in the topology', () => {
    // Assess: the assertions below loop over these; an empty list would make them pass vacuously.
    expect(streamTriggers.length).toBeGreaterThan(0);
    expect(scheduleTriggers.length).toBeGreaterThan(0);
    expect(httpRoutes.length).toBeGreaterThan(0);
  });

  it.each(specs)(
    'runs %s on Node.js 22 on arm64 with the memory and timeout of the topology',
    (name, spec) => {
      // Act
      const resources = template.findResources('AWS::Lambda::Function');

      // Assess
      expect(resources[functionId(name)]?.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: spec.memoryMb,
        Timeout: spec.timeoutSeconds,
        Description: spec.description,
      });
    },
  );

  it('creates no function the topology does not declare', () => {
    template.resourceCountIs('AWS::Lambda::Function', specs.length);
  });

  it.each(specs)('gives %s the settings and the physical name of each declared resource', (name, spec) => {
    // Prepare
    const expected: Record<string, unknown> = {
      CDP_SETTINGS: JSON.stringify(platform.settings),
      NODE_OPTIONS: '--enable-source-maps',
    };
    const stores = platform.data.stores;
    for (const stream of Object.keys(spec.streams ?? {}) as (keyof typeof stores.streams)[]) {
      expected[resourceEnv.stream[stream]] = stack.resolve(stores.streams[stream].streamName);
    }
    for (const bucket of Object.keys(spec.buckets ?? {}) as (keyof typeof stores.buckets)[]) {
      expected[resourceEnv.bucket[bucket]] = stack.resolve(stores.buckets[bucket].bucketName);
    }
    for (const table of Object.keys(spec.tables ?? {}) as (keyof typeof stores.tables)[]) {
      expected[resourceEnv.table[table]] = stack.resolve(stores.tables[table].tableName);
    }
    const undeclared = [
      ...Object.values(resourceEnv.stream),
      ...Object.values(resourceEnv.bucket),
      ...Object.values(resourceEnv.table),
    ].filter((variable) => !(variable in expected));

    // Act
    const variables = template.findResources('AWS::Lambda::Function')[functionId(name)]?.Properties
      .Environment.Variables as Record<string, unknown>;

    // Assess
    expect(variables).toMatchObject(expected);
    for (const variable of undeclared) expect(variables).not.toHaveProperty(variable);
  });

  it('grants writers of a stream PutRecords and readers of a table no writes', () => {
    for (const [name, spec] of specs) {
      const actions = actionsOf(name);
      const writesStream = Object.values(spec.streams ?? {}).some((access) => access !== 'read');
      expect(actions.includes('kinesis:PutRecords'), `${name} kinesis:PutRecords`).toBe(writesStream);
      const writesTable = Object.values(spec.tables ?? {}).some((access) => access !== 'read');
      expect(actions.includes('dynamodb:PutItem'), `${name} dynamodb:PutItem`).toBe(writesTable);
      const readsTable = Object.values(spec.tables ?? {}).some((access) => access !== 'write');
      expect(actions.includes('dynamodb:GetItem'), `${name} dynamodb:GetItem`).toBe(readsTable);
    }
  });

  it('grants S3 access only to functions that declare a bucket or fail batches into one', () => {
    for (const [name, spec] of specs) {
      const usesBucket =
        Object.keys(spec.buckets ?? {}).length > 0 ||
        spec.triggers.some((trigger) => trigger.kind === 'stream');
      expect(
        actionsOf(name).some((action) => action.startsWith('s3:')),
        name,
      ).toBe(usesBucket);
    }
  });

  it('uses no AWS managed policy for the functions', () => {
    const roles = template.findResources('AWS::IAM::Role');
    for (const role of Object.values(roles)) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it.each(streamTriggers)(
    'maps the $trigger.stream stream to $name with the bounds of the topology',
    ({ name, trigger }) => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: functionId(name) },
        EventSourceArn: stack.resolve(platform.data.stores.streams[trigger.stream].streamArn),
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: trigger.batchSize,
        MaximumBatchingWindowInSeconds: trigger.maxBatchingWindowSeconds,
        MaximumRetryAttempts: trigger.retryAttempts,
        MaximumRecordAgeInSeconds: trigger.maxRecordAgeSeconds,
        BisectBatchOnFunctionError: trigger.bisectBatchOnError,
        ParallelizationFactor: trigger.parallelizationFactor,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: {
          OnFailure: {
            Destination: stack.resolve(platform.data.stores.buckets[trigger.onFailure.bucket].bucketArn),
          },
        },
      });
    },
  );

  it('creates one event source mapping per stream trigger', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', streamTriggers.length);
  });

  it.each(httpRoutes)('routes $route.method $route.path to $name', ({ name, route }) => {
    // Act
    const routes = template.findResources('AWS::ApiGatewayV2::Route', {
      Properties: { RouteKey: `${route.method} ${route.path}` },
    });
    const target = Object.values(routes)[0]?.Properties.Target as {
      'Fn::Join': [string, [string, { Ref: string }]];
    };
    const integrationId = target['Fn::Join'][1][1].Ref;

    // Assess
    expect(Object.keys(routes)).toHaveLength(1);
    expect(template.findResources('AWS::ApiGatewayV2::Integration')[integrationId]?.Properties).toMatchObject(
      {
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [functionId(name), 'Arn'] },
      },
    );
  });

  it('has an admin route to check in the topology', () => {
    expect(httpRoutes.some(({ route }) => route.auth === 'admin')).toBe(true);
  });

  it.each(httpRoutes)('authorizes $route.method $route.path as the topology says', ({ route }) => {
    // Act
    const [found] = Object.values(
      template.findResources('AWS::ApiGatewayV2::Route', {
        Properties: { RouteKey: `${route.method} ${route.path}` },
      }),
    );

    // Assess: admin routes take SigV4-signed requests of IAM principals only; the others are public.
    expect(found?.Properties.AuthorizationType ?? 'NONE').toBe(route.auth === 'admin' ? 'AWS_IAM' : 'NONE');
  });

  it('creates exactly the routes of the topology', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', httpRoutes.length);
  });

  it('leaves CORS to the collector, which answers OPTIONS itself', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.absent(),
    });
  });

  it('logs every request of the default stage to a log group and throttles the stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [logicalId(platform.functions.api?.accessLogs ?? stack), 'Arn'] },
        Format: Match.stringLikeRegexp('\\$context\\.requestId'),
      },
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
    });
  });

  it('keeps client IP addresses out of the access logs unless the settings keep full addresses', () => {
    // Prepare
    const withFullIps = synthPlatform({
      runtimeSettings: {
        ...configuredSettings(),
        privacy: { ip: 'full', plaintextIdentifiersInLake: false },
      },
    });

    // Act
    const formatOf = (stages: Template): string =>
      Object.values(stages.findResources('AWS::ApiGatewayV2::Stage'))
        .map((stage) => String(stage.Properties.AccessLogSettings.Format))
        .join();

    // Assess
    expect(platform.settings.privacy.ip).not.toBe('full');
    expect(formatOf(template)).not.toContain('sourceIp');
    expect(formatOf(withFullIps.template(withFullIps.functions))).toContain('$context.identity.sourceIp');
  });

  it.each(scheduleTriggers)(
    'invokes $name on its schedule with the scheduled time as input',
    ({ name, trigger }) => {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: `rate(${trigger.rate.value} ${trigger.rate.unit})`,
        State: 'ENABLED',
        Target: {
          Arn: { 'Fn::GetAtt': [functionId(name), 'Arn'] },
          Input: '{"time":"<aws.scheduler.scheduled-time>"}',
          RetryPolicy: { MaximumRetryAttempts: Match.anyValue(), MaximumEventAgeInSeconds: Match.anyValue() },
        },
      });
    },
  );

  it.each(scheduleTriggers)(
    'does not repeat a failed run of $name, as the local scheduler does not',
    ({ name }) => {
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: functionId(name) },
        MaximumRetryAttempts: 0,
      });
    },
  );

  it('lets each schedule role invoke its function and nothing else', () => {
    for (const { name } of scheduleTriggers) {
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [
            {
              Action: 'lambda:InvokeFunction',
              Effect: 'Allow',
              Resource: { 'Fn::GetAtt': [functionId(name), 'Arn'] },
            },
          ],
        },
      });
    }
  });

  it('does not trace functions unless asked to', () => {
    const untraced = template.findResources('AWS::Lambda::Function', {
      Properties: { TracingConfig: Match.anyValue() },
    });
    expect(Object.keys(untraced)).toHaveLength(0);
    const traced = synthPlatform({ tracing: true });
    const functionsTraced = traced.template(traced.functions).findResources('AWS::Lambda::Function', {
      Properties: { TracingConfig: { Mode: 'Active' } },
    });
    expect(Object.keys(functionsTraced)).toHaveLength(specs.length);
  });
});

describe('a function added to the topology', () => {
  it('gets its function, event source mapping and schedule without any CDK edit', () => {
    // Prepare
    const land = functions.land;
    const [landTrigger] = land.triggers;
    const replay: FunctionSpec = {
      ...land,
      description: 'A second consumer of the events stream',
      memoryMb: 256,
      triggers: [
        {
          ...landTrigger,
          batchSize: 100,
          retryAttempts: 1,
          maxRecordAgeSeconds: 600,
          parallelizationFactor: 2,
        },
        { kind: 'schedule', rate: { value: 5, unit: 'minutes' } },
      ],
    };

    // Act
    const platform = synthPlatform({ functions: { ...functions, replay } });
    const template = platform.template(platform.functions);
    const replayId = logicalId(platform.functions.functions.replay?.function ?? platform.functions);

    // Assess
    template.resourceCountIs('AWS::Lambda::Function', Object.keys(functions).length + 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: replayId },
      BatchSize: 100,
      MaximumRetryAttempts: 1,
      MaximumRecordAgeInSeconds: 600,
      ParallelizationFactor: 2,
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
      Target: { Arn: { 'Fn::GetAtt': [replayId, 'Arn'] } },
    });
  });
});

/**
 * A topology schedule as an EventBridge Scheduler schedule that invokes the function with
 * `{"time": "<scheduled time>"}`, the event the local scheduler sends too. Its role may invoke that one
 * function and nothing else.
 */
import { Aws } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnSchedule, ContextAttribute } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import type { ScheduleTrigger } from '../topology.ts';

const unitSeconds = { minute: 60, minutes: 60, hour: 3600, hours: 3600, day: 86_400, days: 86_400 } as const;

/** Scheduler's bounds on how long it keeps retrying one invocation. */
const MIN_EVENT_AGE_SECONDS = 60;
const MAX_EVENT_AGE_SECONDS = 86_400;

export interface FunctionScheduleProps {
  /** The function to invoke. */
  readonly function: IFunction;
  /** The topology's schedule trigger. */
  readonly trigger: ScheduleTrigger;
  /**
   * Retries of an invocation Scheduler could not deliver (throttling, service errors).
   *
   * @default 2
   */
  readonly retryAttempts?: number;
}

export class FunctionSchedule extends Construct {
  public readonly schedule: CfnSchedule;
  public readonly role: Role;

  constructor(scope: Construct, id: string, props: FunctionScheduleProps) {
    super(scope, id);
    const expression = rateExpression(props.trigger);

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: `Lets EventBridge Scheduler invoke one function ${expression}`,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.function.functionArn] }),
    );

    const periodSeconds = props.trigger.rate.value * unitSeconds[props.trigger.rate.unit];
    this.schedule = new CfnSchedule(this, 'Schedule', {
      description: `Invokes the function ${expression}`,
      scheduleExpression: expression,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: props.function.functionArn,
        roleArn: this.role.roleArn,
        input: JSON.stringify({ time: ContextAttribute.scheduledTime }),
        retryPolicy: {
          maximumRetryAttempts: props.retryAttempts ?? 2,
          // A run later than one period is superseded by the next one.
          maximumEventAgeInSeconds: Math.min(
            Math.max(periodSeconds, MIN_EVENT_AGE_SECONDS),
            MAX_EVENT_AGE_SECONDS,
          ),
        },
      },
    });
    // Scheduler checks at creation that it can use the role, so the role's policy must exist first.
    this.schedule.node.addDependency(this.role);
  }
}

/** `rate(1 hour)`: Scheduler rejects `rate(1 hours)` and `rate(2 hour)`, so does this. */
export function rateExpression(trigger: ScheduleTrigger): string {
  const { value, unit } = trigger.rate;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`schedule rate must be a positive integer, got ${value}`);
  }
  const plural = unit.endsWith('s');
  if ((value === 1) === plural) {
    throw new Error(`schedule rate(${value} ${unit}): use a singular unit for 1 and a plural one otherwise`);
  }
  return `rate(${value} ${unit})`;
}

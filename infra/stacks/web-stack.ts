// The web console in the cloud: its build in a private bucket that only CloudFront reads (origin access
// control), served over HTTPS with security headers, client-side routes answered with index.html, and
// config.json written at deploy time with the API's URL (and the OIDC issuer when one is configured).
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { type ConsoleRuntimeConfig, consoleSecurityHeaders, ensureConsoleBuilt } from '../console';

export interface WebStackProps extends StackProps {
  /** The HTTP API's URL (https://…execute-api…), which the console calls. */
  apiUrl: string;
  /** Browsers upload and download artifacts straight from this bucket through presigned URLs. */
  artifacts: IBucket;
}

export class WebStack extends Stack {
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    const issuer = this.node.tryGetContext('JWT_ISSUER') as string | undefined;
    const clientId = this.node.tryGetContext('OIDC_CLIENT_ID') as string | undefined;
    const oidc = issuer && clientId ? { issuer, clientId } : undefined;

    const logs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront standard logs are delivered with an ACL.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is the access log destination of the console; logging it to itself would loop.',
    });
    const site = new Bucket(this, 'Site', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'site/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const headers = consoleSecurityHeaders([
      props.apiUrl,
      `https://${props.artifacts.bucketRegionalDomainName}`,
      ...(oidc ? [new URL(oidc.issuer).origin] : []),
    ]);
    const responseHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: headers.contentSecurityPolicy, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });
    // A client-side route (/runs/exe_…) is no object: the bucket answers 403 through OAC, CloudFront index.html.
    const spaRoute = { responseHttpStatus: 200, responsePagePath: '/index.html', ttl: Duration.seconds(0) };
    this.distribution = new Distribution(this, 'Console', {
      comment: 'recipeflow web console',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(site),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: responseHeaders,
      },
      defaultRootObject: 'index.html',
      errorResponses: [
        { httpStatus: 403, ...spaRoute },
        { httpStatus: 404, ...spaRoute },
      ],
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'The console is for the deploying team and its customers wherever they are; no country is excluded.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'The console is static files; every call it makes goes to the API, which has its own throttling and ' +
        'authorizer. A web ACL can be attached by the deploying team (it costs per rule and request).',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'The default *.cloudfront.net certificate fixes the security policy; a minimum of TLS 1.2 is set with the ' +
        'custom domain and certificate the deploying team attaches (minimumProtocolVersion needs one).',
    });

    const config: ConsoleRuntimeConfig = { apiUrl: props.apiUrl, ...(oidc ? { oidc } : {}) };
    new BucketDeployment(this, 'Files', {
      sources: [
        Source.asset(ensureConsoleBuilt(), { exclude: ['.vite', '.vite/**'] }),
        Source.jsonData('config.json', config),
      ],
      destinationBucket: site,
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
      memoryLimit: 256,
    });
    // The deployment handler is a singleton function of aws-cdk-lib at the stack's root.
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'The BucketDeployment handler runtime is chosen by aws-cdk-lib.',
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'The deployment handler’s basic execution policy only lets it write its own CloudWatch logs.',
    });
    const siteObjects = `<${this.getLogicalId(site.node.defaultChild as CfnBucket)}.Arn>/*`;
    for (const finding of [
      'Action::s3:Abort*',
      'Action::s3:DeleteObject*',
      'Action::s3:GetBucket*',
      'Action::s3:GetObject*',
      'Action::s3:List*',
      'Resource::*',
      `Resource::${siteObjects}`,
      'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
    ]) {
      Validations.of(this).acknowledge({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason:
          'The deployment handler (aws-cdk-lib) reads the build from the CDK asset bucket, replaces the objects ' +
          'of the console bucket and invalidates this distribution (CloudFront invalidations take no resource).',
      });
    }
    new CfnOutput(this, 'ConsoleUrl', {
      description: 'The web console',
      value: `https://${this.distribution.distributionDomainName}`,
    });
  }
}

/**
 * The Pulumi program under Pulumi's own mocks (the CLI and the gcp plugin
 * cannot be fetched here). Each mock answers with the ids and computed fields
 * the real provider gives, so outputs read as they would after `pulumi up`.
 */
import * as pulumi from '@pulumi/pulumi';

export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export const MOCK_PROJECT = 'demo-project';
export const MOCK_PROJECT_NUMBER = '123';

export interface DeclaredStack {
  resources: Registered[];
  outputs: Record<string, unknown>;
}

/** Runs `framesift()` with the given stack config and waits until every resource has registered. */
export async function declareStack(config: Record<string, string>): Promise<DeclaredStack> {
  const resources: Registered[] = [];
  const project = MOCK_PROJECT;
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        const inputs = args.inputs as Record<string, unknown>;
        const state: Record<string, unknown> = { ...inputs };
        let id = `${args.name}-id`;
        switch (args.type) {
          case 'gcp:serviceaccount/account:Account':
            state.email = `${inputs.accountId}@${project}.iam.gserviceaccount.com`;
            break;
          case 'gcp:cloudfunctionsv2/function:Function':
            state.serviceConfig = { ...(inputs.serviceConfig as object), uri: `https://${inputs.name}.a.run.app`, service: `projects/${project}/locations/${inputs.location}/services/${inputs.name}` };
            break;
          case 'gcp:pubsub/topic:Topic':
            id = `projects/${project}/topics/${inputs.name}`;
            break;
          case 'gcp:pubsub/subscription:Subscription':
            id = `projects/${project}/subscriptions/${inputs.name}`;
            break;
          case 'gcp:projects/serviceIdentity:ServiceIdentity':
            state.email = `service-${MOCK_PROJECT_NUMBER}@gcp-sa-${String(inputs.service).split('.')[0]}.iam.gserviceaccount.com`;
            break;
          case 'gcp:artifactregistry/repository:Repository':
            id = `projects/${project}/locations/${inputs.location}/repositories/${inputs.repositoryId}`;
            state.name = inputs.repositoryId;
            break;
        }
        return { id, state };
      },
      call(args) {
        if (args.token === 'gcp:storage/getProjectServiceAccount:getProjectServiceAccount') return { emailAddress: `service-${MOCK_PROJECT_NUMBER}@gs-project-accounts.iam.gserviceaccount.com` };
        if (args.token === 'gcp:organizations/getProject:getProject') return { number: MOCK_PROJECT_NUMBER, projectId: project };
        return args.inputs;
      },
    },
    'framesift',
    'test',
    false,
  );
  pulumi.runtime.setAllConfig({ 'gcp:project': project, ...config });
  const { framesift } = await import('../../infra/framesift.ts');
  const { readSettings } = await import('../../infra/config.ts');
  const stack = framesift(readSettings(), { bucketObjectName: 'functions/abc.zip', asset: new pulumi.asset.StringAsset('zip') });
  const outputs = await new Promise<Record<string, unknown>>((resolve) => pulumi.output(stack).apply((o) => resolve(o as Record<string, unknown>)));
  // Resources whose inputs depend on other resources register later; wait until none arrive.
  for (let count = -1; count !== resources.length; ) {
    count = resources.length;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { resources, outputs };
}

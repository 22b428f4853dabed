// `npm run synth`: the CDK app. Works offline with no AWS credentials (environment-agnostic stacks).
import { App } from 'aws-cdk-lib';
import { buildRecipeflow } from './recipeflow-app';

const app = new App();
buildRecipeflow(app);
app.synth();

import CopyWebpackPlugin from 'copy-webpack-plugin';
import type { Configuration } from 'webpack';
import { merge } from 'webpack-merge';

import grafanaConfig, { type Env } from './.config/webpack/webpack.config';

// The generated config copies only the root plugin's logos; nested plugins
// (datasource, panels) need their own img/ folders in dist too. The app's
// dashboards (src/plugin.json includes dashboards/*.json) are generated into
// provisioning/dashboards/ by scripts/render-dashboards.mjs and copied here.
const config = async (env: Env): Promise<Configuration> => {
  const baseConfig = await grafanaConfig(env);
  return merge(baseConfig, {
    plugins: [
      new CopyWebpackPlugin({
        patterns: [
          { from: '**/img/*.svg', to: '[path][name][ext]', noErrorOnMissing: true },
          { from: '../provisioning/dashboards/mlwatch-*.json', to: 'dashboards/[name][ext]' },
        ],
      }),
    ],
  });
};

export default config;

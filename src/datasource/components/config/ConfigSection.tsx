import React, { useId, useState, type ReactNode } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { IconButton, useStyles2 } from '@grafana/ui';

/*
 * Grafana's own datasources build their settings pages from ConfigSection /
 * ConfigSubSection of @grafana/plugin-ui. That package cannot be added here
 * (its current releases need Node 24 and @testing-library/jest-dom 7, and it
 * would be bundled into the plugin rather than shared by Grafana), so these
 * are the same components with the same look: a heading, an optional
 * chevron that collapses the content, and a secondary description.
 */

interface Props {
  title: string;
  description?: ReactNode;
  /** Shows a chevron button that hides or shows the content. */
  isCollapsible?: boolean;
  isInitiallyOpen?: boolean;
  children: ReactNode;
  className?: string;
  'data-testid'?: string;
}

function GenericConfigSection({
  title,
  description,
  isCollapsible = false,
  isInitiallyOpen = true,
  children,
  className,
  kind,
  ...rest
}: Props & { kind: 'section' | 'sub-section' }) {
  const [isOpen, setIsOpen] = useState(isCollapsible ? isInitiallyOpen : true);
  const styles = useStyles2(getStyles, kind === 'sub-section');
  const contentId = useId();
  const Heading = kind === 'section' ? 'h3' : 'h6';
  return (
    <section className={className} aria-label={title} data-testid={rest['data-testid']}>
      <div className={styles.header}>
        <Heading className={styles.title}>{title}</Heading>
        {isCollapsible && (
          <IconButton
            name={isOpen ? 'angle-up' : 'angle-down'}
            onClick={() => setIsOpen(!isOpen)}
            type="button"
            size={kind === 'section' ? 'xl' : 'lg'}
            aria-expanded={isOpen}
            aria-controls={contentId}
            aria-label={isOpen ? `Collapse section ${title}` : `Expand section ${title}`}
          />
        )}
      </div>
      {description && <p className={styles.description}>{description}</p>}
      {isOpen && (
        <div id={contentId} className={styles.content}>
          {children}
        </div>
      )}
    </section>
  );
}

export function ConfigSection(props: Props) {
  return <GenericConfigSection {...props} kind="section" />;
}

export function ConfigSubSection(props: Props) {
  return <GenericConfigSection {...props} kind="sub-section" />;
}

const getStyles = (theme: GrafanaTheme2, isSubSection: boolean) => ({
  header: css({
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'center',
  }),
  title: css({
    margin: 0,
  }),
  description: css({
    marginTop: theme.spacing(isSubSection ? 0.25 : 0.5),
    marginBottom: 0,
    ...theme.typography.bodySmall,
    color: theme.colors.text.secondary,
  }),
  content: css({
    marginTop: theme.spacing(2),
  }),
});

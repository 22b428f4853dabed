// A recipe as a graph: steps are nodes (coloured by their status on a run), edges are the order, branch
// cases, map iterations and onError jumps; laid out top to bottom by dagre.
import dagre from '@dagrejs/dagre';
import { Background, Controls, type Edge, MarkerType, type Node, ReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useMemo } from 'react';
import type { Step } from '../types';

export type NodeStatus = 'succeeded' | 'failed' | 'waiting' | 'running' | 'pending' | 'skipped';

const NODE_WIDTH = 190;
const NODE_HEIGHT = 54;

interface Graph {
  nodes: Node[];
  edges: Edge[];
}

/** Nodes and edges of a step list; `exit` is where the list goes when it ends (the next step, or `end`). */
export function recipeGraph(steps: Step[], statusOf: (path: string) => NodeStatus | undefined): Graph {
  const nodes: Node[] = [];
  const edges: Edge[] = [];
  const edge = (source: string, target: string, label?: string, dashed = false) =>
    edges.push({
      id: `${source}->${target}:${label ?? ''}`,
      source,
      target,
      ...(label ? { label } : {}),
      markerEnd: { type: MarkerType.ArrowClosed },
      ...(dashed ? { style: { strokeDasharray: '6 4' }, className: 'edge-error' } : {}),
    });
  let usesEnd = false;
  const target = (prefix: string, id: string) => {
    if (id === 'end') {
      usesEnd = true;
      return 'end';
    }
    return `${prefix}${id}`;
  };
  const chain = (list: Step[], prefix: string, exit: string) => {
    list.forEach((step, index) => {
      const id = `${prefix}${step.id}`;
      const status = statusOf(id);
      nodes.push({
        id,
        position: { x: 0, y: 0 },
        data: { label: `${step.id} · ${step.type}` },
        className: `step-node status-${status ?? 'pending'}`,
        ariaLabel: `${step.id}, ${step.type}, ${status ?? 'not run'}`,
      });
      const next = list[index + 1] ? `${prefix}${list[index + 1]!.id}` : exit;
      if (next === 'end') usesEnd = true;
      if (step.type === 'branch') {
        for (const [i, c] of (step.cases ?? []).entries()) edge(id, target(prefix, c.goto), `case ${i + 1}`);
        edge(id, target(prefix, step.default ?? 'end'), 'default');
      } else if (step.type === 'map' && step.steps?.length) {
        edge(id, `${id}/${step.steps[0]!.id}`, 'each item');
        chain(step.steps, `${id}/`, next);
      } else {
        edge(id, next);
      }
      const onError = step.onError as { goto?: string } | string | undefined;
      if (onError && typeof onError === 'object' && onError.goto)
        edge(id, target(prefix, onError.goto), 'on error', true);
    });
  };
  chain(steps, '', 'end');
  if (usesEnd || steps.length === 0)
    nodes.push({
      id: 'end',
      position: { x: 0, y: 0 },
      data: { label: 'end' },
      className: 'step-node end-node',
      ariaLabel: 'end',
    });
  return layout({ nodes, edges });
}

function layout({ nodes, edges }: Graph): Graph {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 30, ranksep: 46 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) g.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const e of edges) g.setEdge(e.source, e.target);
  dagre.layout(g);
  return {
    nodes: nodes.map((node) => {
      const { x, y } = g.node(node.id);
      return {
        ...node,
        position: { x: x - NODE_WIDTH / 2, y: y - NODE_HEIGHT / 2 },
        style: { width: NODE_WIDTH },
      };
    }),
    edges,
  };
}

export function RecipeGraph({
  steps,
  statusOf,
  onSelect,
  label,
}: {
  steps: Step[];
  statusOf?: (path: string) => NodeStatus | undefined;
  onSelect?: (path: string) => void;
  label: string;
}) {
  const graph = useMemo(() => recipeGraph(steps, statusOf ?? (() => undefined)), [steps, statusOf]);
  return (
    <figure className="graph" aria-label={label}>
      <ReactFlow
        nodes={graph.nodes}
        edges={graph.edges}
        fitView
        minZoom={0.2}
        nodesDraggable={false}
        nodesConnectable={false}
        proOptions={{ hideAttribution: true }}
        onNodeClick={(_, node) => onSelect?.(node.id)}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </figure>
  );
}

// name: trained_on
// The models trained on a dataset (TRAINED_ON edges from model cards and dataset: tags), most downloaded first.
// params:
//   $dataset (string): the dataset id, e.g. open-r1/OpenR1-Math-220k
// example: graphsc query trained_on --param dataset=open-r1/OpenR1-Math-220k
// cypher-shell: :param dataset => 'open-r1/OpenR1-Math-220k'
MATCH (m:Model)-[r:TRAINED_ON]->(:Dataset {id: $dataset})
RETURN m.id AS model, r.source AS source, m.license AS license, m.downloads AS downloads
ORDER BY downloads DESC, model;
